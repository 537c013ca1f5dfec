using System.Text.Json;

namespace Herald.Cli.Tests.Drill;

public sealed class DrillSnapshotsTests
{
    [Fact]
    public async Task The_snapshot_drill_restores_the_same_state_folding_far_fewer_events()
    {
        var run = await CliRun.RunAsync(["drill", "snapshots", "--json"]);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        Assert.True(root.GetProperty("states_equal").GetBoolean());
        Assert.Equal(1000, root.GetProperty("events_folded_without").GetInt32());
        Assert.True(root.GetProperty("events_folded_with").GetInt32() < 100, "the snapshot should leave fewer than 100 events to fold");
        Assert.True(root.GetProperty("without_snapshots_ms").GetDouble() > 0);
        Assert.True(root.GetProperty("with_snapshots_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task Bad_counts_are_usage_errors()
    {
        var run = await CliRun.RunAsync(["drill", "snapshots", "--every", "0"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--every", run.Stderr, StringComparison.Ordinal);
    }
}
