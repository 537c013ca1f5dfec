using System.Text.Json;

namespace Herald.Cli.Tests.Replay;

public sealed class ProjectionsCommandTests
{
    [Fact]
    public async Task Status_json_lists_every_checkpoint_with_head_lag_state_and_error()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        await seed.CheckpointAsync("forward:orders", 11);
        await seed.CheckpointAsync("balances", 3, paused: true, error: "cannot digest event 4", failedPosition: 4);

        var run = await CliRun.RunAsync(["projections", "status", "--sqlite", seed.File, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["balances", "forward:orders"], rows.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal((3L, 11L, 8L), (rows[0].GetProperty("position").GetInt64(), rows[0].GetProperty("head").GetInt64(), rows[0].GetProperty("lag").GetInt64()));
        Assert.Equal("paused", rows[0].GetProperty("state").GetString());
        Assert.Equal("cannot digest event 4", rows[0].GetProperty("error").GetString());
        Assert.Equal(4, rows[0].GetProperty("failedPosition").GetInt64());
        Assert.Equal((11L, 0L), (rows[1].GetProperty("position").GetInt64(), rows[1].GetProperty("lag").GetInt64()));
        Assert.Equal("running", rows[1].GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, rows[1].GetProperty("error").ValueKind);
        Assert.Equal("2 checkpoint(s), 1 paused; head at position 11", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Status_prints_a_table()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        await seed.CheckpointAsync("balances", 3, paused: true, error: "boom", failedPosition: 4);

        var run = await CliRun.RunAsync(["projections", "status", "--sqlite", seed.File]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var row = Assert.Single(run.StdoutLines, l => l.Contains("balances", StringComparison.Ordinal));
        Assert.Contains("paused", row, StringComparison.Ordinal);
        Assert.Contains("boom", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_clears_a_pause()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        await seed.CheckpointAsync("balances", 3, paused: true, error: "boom", failedPosition: 4);

        var resume = await CliRun.RunAsync(["projections", "resume", "balances", "--sqlite", seed.File]);
        var status = await CliRun.RunAsync(["projections", "status", "--sqlite", seed.File, "--json"]);

        Assert.True(resume.ExitCode == 0, resume.ToString());
        Assert.Equal("resumed 'balances' at position 3; its daemon retries position 4 next", Assert.Single(resume.StderrLines));
        using var json = JsonDocument.Parse(status.Stdout);
        var row = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("running", row.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("error").ValueKind);
        Assert.Equal(3, row.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task Resume_of_an_unknown_name_fails_in_one_line()
    {
        using var seed = await new EventStoreSeed().SeedAsync();

        var run = await CliRun.RunAsync(["projections", "resume", "nope", "--sqlite", seed.File]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal("error: no checkpoint named 'nope' (see 'herald projections status')", Assert.Single(run.StderrLines));
    }
}
