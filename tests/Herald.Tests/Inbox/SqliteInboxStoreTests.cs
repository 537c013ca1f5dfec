using Herald.Testing;
using Herald.Inbox;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Herald.Tests.Inbox;

/// <summary>The compliance suite over a SQLite file in a temporary folder.</summary>
public sealed class SqliteInboxStoreTests(ITestOutputHelper output) : InboxStoreCompliance(output)
{
    private readonly TempSqliteFile _file = new("inbox", "app.db");

    private string ConnectionString => _file.ConnectionString;

    protected override IInboxStore NewStoreOver(InboxOptions options) => new SqliteInboxStore(ConnectionString, options);

    protected override Task CreateDatabaseAsync()
    {
        _file.Create();
        return Task.CompletedTask;
    }

    protected override Task DropDatabaseAsync()
    {
        _file.Delete();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Connections_use_WAL_with_synchronous_NORMAL_and_wait_when_busy()
    {
        await using var transaction = await NewStore().BeginAsync("pragmas");
        Assert.Equal("wal", await PragmaAsync(transaction, "journal_mode"));
        Assert.Equal("1", await PragmaAsync(transaction, "synchronous"));
        Assert.Equal("30000", await PragmaAsync(transaction, "busy_timeout"));
    }

    [Fact]
    public async Task Table_prefix_names_both_tables()
    {
        var store = NewStoreOver(Options with { TablePrefix = "orders_" });
        await using (store as IAsyncDisposable)
        {
            await store.EnsureCreatedAsync();
            Assert.Equal([1], await store.RecordAttemptsAsync("g", [Guid.NewGuid()]));
            await using var transaction = await store.BeginAsync("g");
            await using var command = transaction.Connection.CreateCommand();
            command.Transaction = transaction.Transaction;
            command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE name LIKE 'orders_%' ORDER BY name)";
            Assert.Equal("orders_consumer_attempts,orders_processed_events", await command.ExecuteScalarAsync());
        }

        Assert.Throws<ArgumentException>(() => Options with { TablePrefix = "x; DROP TABLE y" });
    }

    [Fact]
    public async Task Concurrent_partition_workers_wait_for_each_other_instead_of_failing()
    {
        const int Workers = 4;
        const int BatchesPerWorker = 20;
        var store = NewStore();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var batch = 0; batch < BatchesPerWorker; batch++)
            {
                var eventIds = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
                await store.RecordAttemptsAsync($"partition-{worker}", eventIds);
                await using var transaction = await store.BeginAsync($"partition-{worker}");
                foreach (var eventId in eventIds)
                {
                    Assert.False(await transaction.IsProcessedAsync(eventId));
                    await transaction.MarkProcessedAsync(eventId);
                }

                await transaction.CommitAsync();
            }
        })));

        await using var check = await store.BeginAsync("partition-0");
        await using var command = check.Connection.CreateCommand();
        command.Transaction = check.Transaction;
        command.CommandText = "SELECT count(*) FROM processed_events WHERE consumer_group LIKE 'partition-%'";
        Assert.Equal((long)Workers * BatchesPerWorker * 100, await command.ExecuteScalarAsync());
    }

    private static async Task<string?> PragmaAsync(IInboxTransaction transaction, string name)
    {
        await using var command = transaction.Connection.CreateCommand();
        command.Transaction = transaction.Transaction;
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
