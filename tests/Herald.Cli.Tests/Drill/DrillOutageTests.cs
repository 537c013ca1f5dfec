using System.Text.Json;

namespace Herald.Cli.Tests.Drill;

/// <summary>The outage drill end to end: herald serve as a child process, SIGKILLed and restarted under traffic.</summary>
public sealed class DrillOutageTests
{
    [Fact]
    public async Task Orders_accepted_while_the_broker_was_dead_are_all_delivered_once_and_in_order_after_it_restarts()
    {
        var run = await CliRun.RunAsync(["drill", "outage", "--outage", "3", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean(), run.Stdout);
        Assert.All(root.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.GetProperty("check").GetString()));
        var phases = root.GetProperty("accepted_by_phase");
        Assert.True(phases.GetProperty("outage").GetInt32() > 0, run.Stdout);
        Assert.Equal(root.GetProperty("accepted").GetInt32(), phases.EnumerateObject().Sum(p => p.Value.GetInt32()));

        var backlog = root.GetProperty("backlog").EnumerateArray().ToList();
        Assert.True(backlog.Where(s => s.GetProperty("phase").GetString() == "outage").Max(s => s.GetProperty("rows").GetInt64()) > 0, "the backlog grew while the broker was down");
        Assert.Equal(0, backlog[^1].GetProperty("rows").GetInt64());
        Assert.Empty(root.GetProperty("out_of_flow").EnumerateArray());

        var processes = DrillProcesses.Of(root);
        Assert.Equal(2, processes["broker"].Length);
        Assert.All(processes.Values.SelectMany(ids => ids), id => Assert.False(DrillProcesses.IsRunning(id), $"process {id} outlived the drill"));
    }

    [Fact]
    public async Task With_bootstrap_it_says_it_cannot_kill_that_broker_and_exits_2()
    {
        var run = await CliRun.RunAsync(["drill", "outage", "--bootstrap", "127.0.0.1:9092"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("cannot use --bootstrap", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, run.Stdout);
    }
}
