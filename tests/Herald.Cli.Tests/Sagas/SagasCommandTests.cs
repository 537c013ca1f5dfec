using System.Text.Json;
using Herald.PostgreSql.Sagas;
using Herald.Sagas;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Cli.Tests.Sagas;

public sealed class SagasCommandTests : IAsyncLifetime
{
    private readonly TempSqliteFile _file = new("sagas-cli", "orders.db");

    private string File => new SqliteConnectionStringBuilder(_file.ConnectionString).DataSource;

    public async Task InitializeAsync()
    {
        _file.Create();
        await SagaSeed.SeedAsync(
            clock => new SqliteSagaStore(_file.ConnectionString, SagaStoreOptions.Default with { TimeProvider = clock }),
            async () =>
            {
                var connection = new SqliteConnection(_file.ConnectionString);
                await connection.OpenAsync();
                return (connection, connection.BeginTransaction());
            });
    }

    public Task DisposeAsync()
    {
        _file.Delete();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task List_shows_every_instance_stalest_first()
    {
        var run = await CliRun.RunAsync(["sagas", "list", "--sqlite", File]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.StdoutLines.Where(l => l.Contains("o-", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains("o-stuck", rows[0], StringComparison.Ordinal);
        Assert.Contains("o-done", rows[1], StringComparison.Ordinal);
        Assert.Contains("Cancelled (done)", rows[1], StringComparison.Ordinal);
        Assert.Contains("o-waiting", rows[2], StringComparison.Ordinal);
        Assert.Contains("PaymentCompleted, PaymentFailed, OrderSagaTimedOut", rows[2], StringComparison.Ordinal);
        Assert.Equal("3 of 3 instance(s)", run.StderrLines.Single());
    }

    [Fact]
    public async Task List_stuck_for_keeps_running_instances_idle_at_least_that_long()
    {
        var stuck = await CliRun.RunAsync(["sagas", "list", "--stuck-for", "1h", "--json", "--sqlite", File]);

        Assert.True(stuck.ExitCode == 0, stuck.ToString());
        using var json = JsonDocument.Parse(stuck.Stdout);
        var instance = Assert.Single(json.RootElement.GetProperty("instances").EnumerateArray());
        Assert.Equal("o-stuck", instance.GetProperty("id").GetString());
        Assert.Equal("AwaitingPayment", instance.GetProperty("step").GetString());
        Assert.True(instance.GetProperty("idleSeconds").GetDouble() >= 7200);
        Assert.Equal(1, json.RootElement.GetProperty("total").GetInt32());

        var running = await CliRun.RunAsync(["sagas", "list", "--stuck-for", "30s", "--json", "--sqlite", File]);
        Assert.Equal(["o-stuck", "o-waiting"], Ids(running));
        var byStep = await CliRun.RunAsync(["sagas", "list", "--state", "Cancelled", "--type", SagaSeed.Type, "--json", "--sqlite", File]);
        Assert.Equal(["o-done"], Ids(byStep));
        var otherType = await CliRun.RunAsync(["sagas", "list", "--type", "shipping", "--sqlite", File]);
        Assert.Equal((0, "", "0 of 0 instance(s)"), (otherType.ExitCode, otherType.Stdout, otherType.Stderr.Trim()));
    }

    [Fact]
    public async Task Show_prints_the_state_next_timeout_expected_events_and_forward_and_compensation_steps_apart()
    {
        var run = await CliRun.RunAsync(["sagas", "show", SagaSeed.Type, "o-done", "--sqlite", File]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var text = run.Stdout;
        Assert.Contains("Cancelled (completed)", text, StringComparison.Ordinal);
        Assert.Contains("\"failureReason\":\"out of stock\"", text, StringComparison.Ordinal);
        Assert.Contains("flow-o-done", text, StringComparison.Ordinal);
        var forward = text.IndexOf("Forward steps (2)", StringComparison.Ordinal);
        var compensation = text.IndexOf("Compensation steps (2)", StringComparison.Ordinal);
        var unchanged = text.IndexOf("Ignored and late events, no change (1)", StringComparison.Ordinal);
        Assert.True(forward >= 0 && compensation > forward && unchanged > compensation, text);
        var compensationPart = text[compensation..unchanged];
        Assert.Contains($"InventoryReserveFailed {SagaSeed.Failed} orders[0]@7", compensationPart, StringComparison.Ordinal);
        Assert.Contains("AwaitingInventory -> Compensating", compensationPart, StringComparison.Ordinal);
        Assert.Contains($"event OrderCancelled {SagaSeed.Cancellation}", compensationPart, StringComparison.Ordinal);
        Assert.Contains("(start) -> AwaitingPayment", text[forward..compensation], StringComparison.Ordinal);
        Assert.Contains("Compensating (unchanged)", text[unchanged..], StringComparison.Ordinal);

        var waiting = await CliRun.RunAsync(["sagas", "show", SagaSeed.Type, "o-waiting", "--sqlite", File]);
        Assert.Contains($"OrderSagaTimedOut at", waiting.Stdout, StringComparison.Ordinal);
        Assert.Contains($"(token {SagaSeed.PendingTimeout})", waiting.Stdout, StringComparison.Ordinal);
        Assert.Contains("PaymentCompleted, PaymentFailed, OrderSagaTimedOut", waiting.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_json_nests_the_data_and_splits_the_history()
    {
        var run = await CliRun.RunAsync(["sagas", "show", SagaSeed.Type, "o-done", "--json", "--sqlite", File]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.Equal(("Cancelled", 4, true), (root.GetProperty("step").GetString(), root.GetProperty("version").GetInt32(), root.GetProperty("completed").GetBoolean()));
        Assert.Equal("out of stock", root.GetProperty("data").GetProperty("failureReason").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("nextTimeout").ValueKind);
        Assert.Empty(root.GetProperty("expectedEvents").EnumerateArray());
        Assert.Equal(["OrderCreated", "PaymentCompleted"], root.GetProperty("forwardSteps").EnumerateArray().Select(e => e.GetProperty("event").GetProperty("type").GetString()));
        var compensation = root.GetProperty("compensationSteps").EnumerateArray().ToList();
        Assert.Equal(["InventoryReserveFailed", "PaymentRefunded"], compensation.Select(e => e.GetProperty("event").GetProperty("type").GetString()));
        Assert.Equal("compensation", compensation[0].GetProperty("kind").GetString());
        var emitted = Assert.Single(compensation[0].GetProperty("emitted").EnumerateArray());
        Assert.Equal(("event", "OrderCancelled", SagaSeed.Cancellation), (emitted.GetProperty("kind").GetString(), emitted.GetProperty("type").GetString(), emitted.GetProperty("id").GetGuid()));
        Assert.Equal("ignored", Assert.Single(root.GetProperty("unchanged").EnumerateArray()).GetProperty("kind").GetString());
        Assert.Equal("cancelled", Assert.Single(root.GetProperty("timeouts").EnumerateArray()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_unknown_instance_is_a_one_line_error_with_exit_1()
    {
        var run = await CliRun.RunAsync(["sagas", "show", SagaSeed.Type, "o-nobody", "--sqlite", File]);

        Assert.Equal(1, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.Equal($"error: no {SagaSeed.Type} saga 'o-nobody' (see 'herald sagas list --type {SagaSeed.Type}')", Assert.Single(run.StderrLines));
    }

    [Theory]
    [InlineData("5x")]
    [InlineData("m5")]
    [InlineData("")]
    [InlineData("-5m")]
    public async Task A_bad_duration_is_a_usage_error_with_exit_2(string duration)
    {
        var run = await CliRun.RunAsync(["sagas", "list", "--stuck-for", duration, "--sqlite", File]);

        Assert.Equal(2, run.ExitCode);
        var error = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: --stuck-for", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durations_add_up_their_parts()
    {
        Assert.True(DurationOption.TryParse("1h30m", out var value));
        Assert.Equal(TimeSpan.FromMinutes(90), value);
        Assert.True(DurationOption.TryParse("2d", out value));
        Assert.Equal(TimeSpan.FromDays(2), value);
        Assert.True(DurationOption.TryParse("250ms", out value));
        Assert.Equal(TimeSpan.FromMilliseconds(250), value);
        Assert.False(DurationOption.TryParse("5 m", out _));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_must_be_named_once_and_hold_saga_tables()
    {
        var neither = await CliRun.RunAsync(["sagas", "list"]);
        Assert.Equal((2, "error: name the database with --sqlite FILE or --postgres \"CONNSTR\""), (neither.ExitCode, Assert.Single(neither.StderrLines)));

        var both = await CliRun.RunAsync(["sagas", "list", "--sqlite", File, "--postgres", "Host=x"]);
        Assert.Equal(2, both.ExitCode);

        var missing = await CliRun.RunAsync(["sagas", "list", "--sqlite", File + ".nope"]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no database file", Assert.Single(missing.StderrLines), StringComparison.Ordinal);

        var empty = Path.Combine(Path.GetDirectoryName(File)!, "empty.db");
        await using (var connection = new SqliteConnection($"Data Source={empty}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE unrelated (x INTEGER)";
            await command.ExecuteNonQueryAsync();
        }

        var noTables = await CliRun.RunAsync(["sagas", "show", SagaSeed.Type, "o-done", "--sqlite", empty]);
        Assert.Equal(2, noTables.ExitCode);
        Assert.Contains("has no readable saga tables", Assert.Single(noTables.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_and_show_read_PostgreSQL_too()
    {
        var cluster = await PostgresCluster.Shared;
        var database = await cluster.CreateDatabaseAsync("sagas_cli");
        await SagaSeed.SeedAsync(
            clock => new PostgreSqlSagaStore(database, SagaStoreOptions.Default with { TimeProvider = clock }),
            async () =>
            {
                var connection = new NpgsqlConnection(database);
                await connection.OpenAsync();
                return (connection, await connection.BeginTransactionAsync());
            });

        var stuck = await CliRun.RunAsync(["sagas", "list", "--stuck-for", "1h", "--json", "--postgres", database]);
        Assert.True(stuck.ExitCode == 0, stuck.ToString());
        Assert.Equal(["o-stuck"], Ids(stuck));

        var show = await CliRun.RunAsync(["sagas", "show", SagaSeed.Type, "o-done", "--json", "--postgres", database]);
        Assert.True(show.ExitCode == 0, show.ToString());
        using var json = JsonDocument.Parse(show.Stdout);
        Assert.Equal("out of stock", json.RootElement.GetProperty("data").GetProperty("failureReason").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("compensationSteps").GetArrayLength());
    }

    private static List<string> Ids(CliRun run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        return [.. json.RootElement.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
    }
}
