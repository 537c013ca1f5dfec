// TEMPORARY stub until the inbox stores land. Delete on merge.
namespace Herald.Inbox;

public sealed class SqliteInboxStore : IInboxStore
{
    public SqliteInboxStore(string connectionString) => _ = connectionString;
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<IInboxTransaction> BeginAsync(string consumerGroup, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<IReadOnlyList<int>> RecordAttemptsAsync(string consumerGroup, IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default) => throw new NotImplementedException();
    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
