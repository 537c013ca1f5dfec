using System.Data.Common;
using System.Text;
using System.Text.Json;
using Herald.Outbox;
using Herald.PostgreSql;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Cli.Tests.Outbox;

public sealed class OutboxCommandTests
{
    private static readonly OutboxLease Relay = new("orders-api", "host-a:42:cafe");

    [Fact]
    public async Task Status_json_reports_the_backlog_dead_rows_with_their_error_and_the_relay_lease_and_cursor()
    {
        var file = new TempSqliteFile("outbox-cli", "app.db");
        file.Create();
        try
        {
            var store = new SqliteOutboxStore(file.ConnectionString);
            var dead = await SeedAsync(store, () => new SqliteConnection(file.ConnectionString));
            store.Dispose();

            var run = await CliRun.RunAsync(["outbox", "status", "--sqlite", PathOf(file), "--json"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            AssertStatus(run, dead);
        }
        finally
        {
            file.Delete();
        }
    }

    [Fact]
    public async Task Status_json_reads_a_postgresql_outbox_the_same_way()
    {
        var database = await (await PostgresCluster.Shared).CreateDatabaseAsync("outboxcli");
        await using (var store = new PostgreSqlOutboxStore(database))
        {
            var dead = await SeedAsync(store, () => new NpgsqlConnection(database));
            var run = await CliRun.RunAsync(["outbox", "status", "--postgres", database, "--json"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            AssertStatus(run, dead);
            using var json = JsonDocument.Parse(run.Stdout);
            Assert.Contains(':', json.RootElement.GetProperty("relays")[0].GetProperty("cursor").GetString()!);
        }
    }

    [Fact]
    public async Task Status_prints_the_backlog_the_lease_and_a_table_of_dead_rows()
    {
        var file = new TempSqliteFile("outbox-cli", "app.db");
        file.Create();
        try
        {
            using (var store = new SqliteOutboxStore(file.ConnectionString))
            {
                await SeedAsync(store, () => new SqliteConnection(file.ConnectionString));
            }

            var run = await CliRun.RunAsync(["outbox", "status", "--sqlite", PathOf(file)]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.StartsWith("backlog: 1 row(s), the oldest waiting ", run.StdoutLines[0], StringComparison.Ordinal);
            Assert.StartsWith("relay 'orders-api': lease held by host-a:42:cafe until ", run.StdoutLines[1], StringComparison.Ordinal);
            Assert.Equal("dead: 1 row(s)", run.StdoutLines[2]);
            var row = Assert.Single(run.StdoutLines, l => l.Contains("MsgSizeTooLarge", StringComparison.Ordinal));
            Assert.Contains("OrderPlaced", row, StringComparison.Ordinal);
            Assert.DoesNotContain("customer-2", run.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            file.Delete();
        }
    }

    [Theory]
    [InlineData(new string[] { }, "error: name the application's database with --sqlite FILE or --postgres \"CONNSTR\"")]
    [InlineData(new[] { "--sqlite", "a.db", "--postgres", "Host=x" }, "error: give either --sqlite or --postgres, not both")]
    [InlineData(new[] { "--sqlite", "/nonexistent/app.db" }, "error: no database file at '/nonexistent/app.db'")]
    [InlineData(new[] { "--sqlite", "a.db", "--table-prefix", "x;y" }, "error: --table-prefix: 'x;y' is not a table prefix: use letters, digits, underscores and at most one dot")]
    public async Task Status_with_a_bad_location_is_one_error_line_and_exit_2(string[] options, string error)
    {
        var run = await CliRun.RunAsync(["outbox", "status", .. options]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(error, Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Status_of_a_database_without_an_outbox_says_so()
    {
        var file = new TempSqliteFile("outbox-cli", "app.db");
        file.Create();
        try
        {
            await using (var connection = new SqliteConnection(file.ConnectionString))
            {
                await connection.OpenAsync();
            }

            var path = PathOf(file);
            var run = await CliRun.RunAsync(["outbox", "status", "--sqlite", path]);

            Assert.Equal(2, run.ExitCode);
            Assert.StartsWith($"error: '{path}' has no Herald outbox (", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        }
        finally
        {
            file.Delete();
        }
    }

    private static string PathOf(TempSqliteFile file) => new SqliteConnectionStringBuilder(file.ConnectionString).DataSource;

    /// <summary>Three committed rows: the first published (cursor past it), the second dead after 5 failures (its id returned), the third waiting.</summary>
    private static async Task<Guid> SeedAsync(IOutboxStore store, Func<DbConnection> connect)
    {
        await store.EnsureCreatedAsync();
        var messages = Enumerable.Range(1, 3).Select(i => new OutboxMessage(
            Guid.CreateVersion7(), "orders", $"customer-{i}", "OrderPlaced", Encoding.UTF8.GetBytes("{}"), [new("event_id", "x")])).ToArray();
        await using (var connection = connect())
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            foreach (var message in messages)
            {
                await store.InsertAsync(message, transaction);
            }

            await transaction.CommitAsync();
        }

        Assert.True(await store.TryAcquireLeaseAsync(Relay, TimeSpan.FromMinutes(10)));
        // On PostgreSQL rows become readable once every older transaction on the (shared) server ended.
        var rows = await store.ReadAsync(OutboxPosition.Start, 10);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); rows.Count < 3 && DateTime.UtcNow < deadline; rows = await store.ReadAsync(OutboxPosition.Start, 10))
        {
            await Task.Delay(20);
        }

        Assert.True(await store.CompleteAsync(Relay, rows[0].Position));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await store.RecordFailureAsync(Relay, rows[1].Position, "MsgSizeTooLarge: Broker: Message size too large");
        }

        Assert.True(await store.DeadLetterAsync(Relay, rows[1].Position, "MsgSizeTooLarge: Broker: Message size too large"));
        return messages[1].EventId;
    }

    private static void AssertStatus(CliRun run, Guid dead)
    {
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("backlogRows").GetInt64());
        Assert.True(root.GetProperty("oldestAgeSeconds").GetDouble() >= 0);
        Assert.Equal(1, root.GetProperty("deadRows").GetInt64());
        var deadRow = Assert.Single(root.GetProperty("dead").EnumerateArray());
        Assert.Equal(dead, deadRow.GetProperty("eventId").GetGuid());
        Assert.Equal(("OrderPlaced", "orders", 5), (deadRow.GetProperty("eventType").GetString(), deadRow.GetProperty("topic").GetString(), deadRow.GetProperty("attempts").GetInt32()));
        Assert.Equal("MsgSizeTooLarge: Broker: Message size too large", deadRow.GetProperty("lastError").GetString());
        Assert.False(deadRow.TryGetProperty("key", out _));
        var relay = Assert.Single(root.GetProperty("relays").EnumerateArray());
        Assert.Equal(("orders-api", "host-a:42:cafe", true), (relay.GetProperty("name").GetString(), relay.GetProperty("owner").GetString(), relay.GetProperty("leaseHeld").GetBoolean()));
        Assert.NotNull(relay.GetProperty("cursor").GetString());
    }
}
