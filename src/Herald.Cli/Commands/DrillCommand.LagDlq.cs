using System.CommandLine;
using System.Globalization;
using Herald.Cli.Monitoring;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    /// <summary><c>herald drill lag-dlq</c>: drill 5, a stopped consumer raises the lag alert, a corrupted event the dead-letter alert.</summary>
    private Command CreateLagDlqCommand()
    {
        var prometheusPath = new Option<string?>("--prometheus") { Description = "Path of the prometheus binary (default: prometheus on PATH)", HelpName = "PATH" };
        var noPrometheus = new Option<bool>("--no-prometheus") { Description = "Check the metrics directly instead of starting Prometheus" };
        var events = new Option<int>("--events") { Description = "Orders published while the consumer is stopped (more than 500)", HelpName = "N", DefaultValueFactory = _ => 600 };
        var timeout = new Option<int>("--step-timeout") { Description = "Give up on a step after SECONDS", HelpName = "SECONDS", DefaultValueFactory = _ => 120 }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        events.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= LagDlqDrillScenario.LagThreshold)
            {
                result.AddError($"--events must be more than {LagDlqDrillScenario.LagThreshold} so the lag passes the drill's threshold");
            }
        });
        var command = new Command("lag-dlq", "Drill 5, lag and DLQ rehearsal: stop a consumer until its lag passes 500 and the lag alert fires, then send a corrupted event and watch it land in the DLQ and the DLQ alert fire")
        {
            prometheusPath, noPrometheus, events, timeout, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var executable = result.GetValue(noPrometheus) ? null : result.GetValue(prometheusPath) ?? PrometheusProcess.FindExecutable();
            if (result.GetValue(prometheusPath) is { } given && !result.GetValue(noPrometheus) && !File.Exists(given))
            {
                throw new CliException($"prometheus binary '{given}' does not exist");
            }

            return await RunLagDlqDrillAsync(executable, result.GetValue(noPrometheus), result.GetValue(events), TimeSpan.FromSeconds(result.GetValue(timeout)), result.GetValue(json), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private async Task<int> RunLagDlqDrillAsync(string? prometheusExecutable, bool prometheusRefused, int events, TimeSpan stepTimeout, bool json, CancellationToken cancellationToken)
    {
        const string Relaxed = "every for: shortened to 5s";
        if (!json)
        {
            Heading("Drill 5: lag and DLQ rehearsal");
        }

        var data = Path.Combine(Path.GetTempPath(), "herald-drill-lag-dlq-" + Guid.NewGuid().ToString("N")[..8]);
        var server = await StartEmbeddedHeraldAsync(data, cancellationToken).ConfigureAwait(false);
        PrometheusProcess? prometheus = null;
        try
        {
            var metricsTarget = $"{server.HttpAddress.Host}:{server.HttpAddress.Port.ToString(CultureInfo.InvariantCulture)}";
            if (prometheusExecutable is not null)
            {
                var rules = AlertRules.ForDrill(AlertRules.Shipped, LagDlqDrillScenario.LagAlert, "> 1000", $"> {LagDlqDrillScenario.LagThreshold}", "5s");
                prometheus = await PrometheusProcess.StartAsync(prometheusExecutable, metricsTarget, rules, cancellationToken).ConfigureAwait(false);
                Note(json, $"Herald at {server.KafkaBootstrap} (metrics {server.HttpAddress}), Prometheus at {prometheus.Address} scraping every 1 s");
                Note(json, $"alert rules: a copy of deploy/prometheus/herald-alerts.yml with {LagDlqDrillScenario.LagAlert} at > {LagDlqDrillScenario.LagThreshold} messages (shipped: > 1000) and {Relaxed} (shipped: minutes)");
            }
            else
            {
                Note(json, prometheusRefused
                    ? "--no-prometheus: the alert conditions are checked on the broker's metrics directly, not by Prometheus"
                    : "prometheus is not on PATH (install it with `apt-get install prometheus` on Debian or Ubuntu to see the alerts fire); checking the alert conditions on the broker's metrics directly instead");
            }

            var scenario = new LagDlqDrillScenario(server, prometheus, events, stepTimeout);
            var outcome = await scenario.RunAsync((n, text) => { if (!json) { Step(n, text); } }, line => Note(json, line), cancellationToken).ConfigureAwait(false);
            await ReportLagDlqAsync(outcome, json).ConfigureAwait(false);
            return outcome.Passed ? HeraldCli.Success : HeraldCli.RuntimeFailure;
        }
        catch (TimeoutException e)
        {
            throw new CliException($"drill timed out: {e.Message}", e);
        }
        finally
        {
            if (prometheus is not null)
            {
                await prometheus.DisposeAsync().ConfigureAwait(false);
            }

            await server.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(data, recursive: true);
        }
    }

    private async Task ReportLagDlqAsync(LagDlqDrillResult outcome, bool json)
    {
        if (json)
        {
            await console.Out.WriteLineAsync(CliOutput.ToJsonLine(new
            {
                passed = outcome.Passed,
                topic = outcome.Topic,
                group = outcome.Group,
                peak_lag_messages = outcome.PeakLag,
                dlq_depth = outcome.DeadLetterDepth,
                prometheus = outcome.WithPrometheus,
                alerts = outcome.AlertStates,
            })).ConfigureAwait(false);
            return;
        }

        Step(6, "what the runbook says to do first (docs/runbooks/dead-letters.md)");
        foreach (var line in FirstSteps(AlertRules.Runbook("dead-letters.md")))
        {
            await console.Out.WriteLineAsync("  " + line.Replace("<topic>", outcome.Topic, StringComparison.Ordinal)).ConfigureAwait(false);
        }

        Verdict(outcome.Passed, outcome.Passed
            ? outcome.WithPrometheus
                ? $"Prometheus fired {LagDlqDrillScenario.LagAlert} for {outcome.Group} ({outcome.PeakLag} behind) and {LagDlqDrillScenario.DeadLetterAlert} for {outcome.Topic} ({outcome.DeadLetterDepth} dead letter)"
                : $"the metrics crossed both alert conditions: lag {outcome.PeakLag} > {LagDlqDrillScenario.LagThreshold}, DLQ depth {outcome.DeadLetterDepth} > 0 (no Prometheus: alerts not evaluated)"
            : "surprise: not every alert condition was observed");
    }

    /// <summary>The runbook's first numbered steps under its "What to do" heading.</summary>
    private static IEnumerable<string> FirstSteps(string runbook)
    {
        var lines = runbook.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var start = lines.FindIndex(l => l.StartsWith('#') && l.Contains("what to do", StringComparison.OrdinalIgnoreCase));
        return start < 0
            ? lines.Take(8)
            : lines.Skip(start + 1).SkipWhile(string.IsNullOrWhiteSpace).TakeWhile(l => !l.StartsWith('#')).Where(l => !string.IsNullOrWhiteSpace(l)).Take(6);
    }

    private void Note(bool json, string text)
    {
        if (!json)
        {
            console.Out.WriteLine("  " + text);
        }
    }
}
