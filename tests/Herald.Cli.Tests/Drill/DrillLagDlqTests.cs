using System.Diagnostics;
using System.Text.Json;
using Herald.Cli.Monitoring;

namespace Herald.Cli.Tests.Drill;

/// <summary>Drill 5 against Debian's real Prometheus, and without one.</summary>
public sealed class DrillLagDlqTests
{
    [Fact]
    public async Task The_lag_alert_and_then_the_dead_letter_alert_fire_on_a_real_prometheus()
    {
        Assert.True(PrometheusProcess.FindExecutable() is not null, "prometheus is not on PATH: install Debian's prometheus package (.ci/run does)");

        var run = await CliRun.RunAsync(["drill", "lag-dlq"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("HeraldConsumerLagHigh at > 500 messages (shipped: > 1000)", run.Stdout, StringComparison.Ordinal);
        var lines = run.StdoutLines;
        var lagPending = Array.FindIndex(lines, l => l.StartsWith("HeraldConsumerLagHigh{group=", StringComparison.Ordinal) && l.Contains(": pending", StringComparison.Ordinal));
        var lagFiring = Array.FindIndex(lines, l => l.StartsWith("HeraldConsumerLagHigh{group=", StringComparison.Ordinal) && l.Contains(": firing", StringComparison.Ordinal));
        var dlqFiring = Array.FindIndex(lines, l => l.StartsWith("HeraldDeadLettersWaiting{topic=", StringComparison.Ordinal) && l.Contains(": firing", StringComparison.Ordinal));
        Assert.True(lagPending >= 0 && lagFiring > lagPending && dlqFiring > lagFiring, run.Stdout);
        Assert.Contains("HeraldConsumerLagHigh: resolved", run.Stdout, StringComparison.Ordinal);
        var runbook = AlertRules.Runbook("dead-letters.md").Split('\n').Select(l => l.Trim()).ToList();
        var firstStep = runbook.Skip(runbook.FindIndex(l => l == "## What to do") + 1).First(l => l.Length > 0);
        Assert.Contains(firstStep, run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_prometheus_it_says_so_and_checks_the_metrics_directly()
    {
        var run = await CliRun.RunAsync(["drill", "lag-dlq", "--no-prometheus", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean());
        Assert.False(root.GetProperty("prometheus").GetBoolean());
        Assert.True(root.GetProperty("peak_lag_messages").GetInt64() > 500);
        Assert.Equal(1, root.GetProperty("dlq_depth").GetInt64());
        Assert.All(root.GetProperty("alerts").EnumerateArray(), a => Assert.Contains("condition holds (no Prometheus)", a.GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_drill_copy_of_the_shipped_rules_changes_only_the_lag_threshold_and_the_holds_and_promtool_accepts_it()
    {
        var copy = AlertRules.ForDrill(AlertRules.Shipped, "HeraldConsumerLagHigh", "> 1000", "> 500", "5s");

        Assert.Contains("sum by (group) (herald_consumer_group_lag_messages) > 500", copy, StringComparison.Ordinal);
        Assert.DoesNotContain(copy.Split('\n'), l => l.TrimStart().StartsWith("expr:", StringComparison.Ordinal) && l.Contains("> 1000", StringComparison.Ordinal));
        Assert.DoesNotMatch(@"(?m)^\s*for: (?!5s)", copy);
        Assert.Matches(@"(?m)^\s*for: 5s", copy);
        Assert.Equal(AlertRules.Shipped.Split('\n').Length, copy.Split('\n').Length);
        Assert.Throws<InvalidOperationException>(() => AlertRules.ForDrill(AlertRules.Shipped, "HeraldDown", "> 1000", "> 500", "5s"));

        var file = Path.Combine(Path.GetTempPath(), $"herald-drill-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, copy);
        try
        {
            using var promtool = Process.Start(new ProcessStartInfo("promtool", ["check", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
            await promtool.WaitForExitAsync();
            Assert.True(promtool.ExitCode == 0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Events_at_or_below_the_threshold_are_a_usage_error()
    {
        var run = await CliRun.RunAsync(["drill", "lag-dlq", "--events", "500"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--events must be more than 500", run.Stderr, StringComparison.Ordinal);
    }
}
