using Herald.Inbox;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Herald.Tests.Inbox;

/// <summary>The compliance suite over a SQLite file in a temporary folder.</summary>
public sealed class SqliteInboxStoreTests(ITestOutputHelper output) : InboxStoreCompliance(output)
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "herald-tests", "inbox-" + Guid.NewGuid().ToString("N"));

    private string ConnectionString => $"Data Source={Path.Combine(_directory, "app.db")}";

    protected override IInboxStore NewStoreOver(InboxOptions options) => new SqliteInboxStore(ConnectionString, options);

    protected override Task CreateDatabaseAsync()
    {
        Directory.CreateDirectory(_directory);
        return Task.CompletedTask;
    }

    protected override Task DropDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
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

    private static async Task<string?> PragmaAsync(IInboxTransaction transaction, string name)
    {
        await using var command = transaction.Connection.CreateCommand();
        command.Transaction = transaction.Transaction;
        command.CommandText = $"PRAGMA {name}";
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
