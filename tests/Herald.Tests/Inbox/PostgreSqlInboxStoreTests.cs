using Herald.Inbox;
using Herald.PostgreSql;
using Herald.Testing;
using Xunit.Abstractions;

namespace Herald.Tests.Inbox;

/// <summary>The compliance suite over a fresh database of the shared test PostgreSQL cluster.</summary>
public sealed class PostgreSqlInboxStoreTests(ITestOutputHelper output) : InboxStoreCompliance(output)
{
    private string? _connectionString;

    protected override IInboxStore NewStoreOver(InboxOptions options) =>
        new PostgreSqlInboxStore(_connectionString ?? throw new InvalidOperationException("no database yet"), options);

    protected override async Task CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.Shared;
        _connectionString = await cluster.CreateDatabaseAsync("inbox");
    }

    // Each test's database stays until the cluster stops at the end of the run.
    protected override Task DropDatabaseAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_schema_prefix_creates_the_schema()
    {
        var store = NewStoreOver(Options with { TablePrefix = "herald." });
        await using (store as IAsyncDisposable)
        {
            await store.EnsureCreatedAsync();
            await store.EnsureCreatedAsync();
            var eventId = Guid.NewGuid();
            Assert.Equal([1], await store.RecordAttemptsAsync("g", [eventId]));
            await using var transaction = await store.BeginAsync("g");
            await transaction.MarkProcessedAsync(eventId);
            await using var command = transaction.Connection.CreateCommand();
            command.Transaction = transaction.Transaction;
            command.CommandText = "SELECT count(*) FROM herald.processed_events";
            Assert.Equal(1L, await command.ExecuteScalarAsync());
        }
    }
}
