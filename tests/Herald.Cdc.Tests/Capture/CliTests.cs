using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Tests.Capture;

/// <summary><c>herald cdc run|status</c> as a real process: one-line errors with the fix, status as JSON.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Run_with_an_unknown_table_exits_1_with_one_error_line()
    {
        await using var context = await CaptureContext.CreateAsync();
        var (exit, stdout, stderr) = await HeraldAsync("cdc", "run", "--postgres", context.ConnectionString, "--tables", "public.nope", "--prefix", context.Prefix, "--bootstrap", context.Bootstrap);

        Assert.Equal(1, exit);
        Assert.Empty(stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: table public.nope does not exist", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_reports_the_slot_position_and_lag_as_json()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("CREATE TABLE items (id int PRIMARY KEY)");
        var connector = await context.StartAsync(context.Options("items"));
        await context.ExecuteAsync("INSERT INTO items VALUES (1)");
        var afterInsert = await context.CurrentWalLsnAsync();
        await CaptureContext.EventuallyAsync(async () => await context.ConfirmedFlushLsnAsync() >= afterInsert, "the insert to be confirmed");
        await CaptureContext.EventuallyAsync(async () => await context.ScalarAsync<bool>($"SELECT last_lsn IS NOT NULL AND last_lsn > snapshot_lsn FROM herald_cdc_state WHERE slot_name = '{context.Slot}'"), "the last processed LSN to be saved");

        var (exit, stdout, stderr) = await HeraldAsync("cdc", "status", "--postgres", context.ConnectionString, "--prefix", context.Prefix, "--json");

        Assert.True(exit == 0, stderr);
        var status = JsonNode.Parse(stdout)!;
        Assert.Equal(context.Slot, (string?)status["slotName"]);
        Assert.True((bool)status["active"]!);
        Assert.NotNull((int?)status["activePid"]);
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", (string?)status["confirmedFlushLsn"]);
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", (string?)status["restartLsn"]);
        Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", (string?)status["lastProcessedLsn"]);
        Assert.True((long)status["lagBytes"]! >= 0);
        Assert.NotNull((string?)status["snapshotCompletedAt"]);
        await context.StopAsync(connector);
    }

    [Fact]
    public async Task Status_of_a_missing_slot_says_how_to_create_it()
    {
        await using var context = await CaptureContext.CreateAsync();
        var (exit, _, stderr) = await HeraldAsync("cdc", "status", "--postgres", context.ConnectionString, "--slot", "nope");

        Assert.Equal(1, exit);
        Assert.StartsWith("error: no replication slot nope in this database: start 'herald cdc run' first", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> HeraldAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "herald.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(CaptureContext.Timeout);
        return (process.ExitCode, await stdout, await stderr);
    }
}
