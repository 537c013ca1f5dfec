using Herald.Inbox;
using Herald.PostgreSql;
using Herald.Testing;
using Npgsql;
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

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_second_delivery_waits_on_the_first_and_conflicts_only_if_it_commits(bool firstCommits)
    {
        var store = NewStore();
        var eventId = Guid.NewGuid();
        var first = await store.BeginAsync("welcome");
        await first.MarkProcessedAsync(eventId);
        var second = Task.Run(async () =>
        {
            await using var transaction = await store.BeginAsync("welcome");
            await transaction.MarkProcessedAsync(eventId);
            await transaction.CommitAsync();
        });

        await WaitForLockWaitAsync();
        Assert.False(second.IsCompleted);
        if (firstCommits)
        {
            await first.CommitAsync();
            await Assert.ThrowsAsync<InboxConflictException>(() => second);
        }
        else
        {
            await first.DisposeAsync();
            await second;
        }

        await first.DisposeAsync();
        await using var check = await store.BeginAsync("welcome");
        Assert.True(await check.IsProcessedAsync(eventId));
    }

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

    private async Task WaitForLockWaitAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second delivery never waited for the first");
            await Task.Delay(10);
        }
    }
}
