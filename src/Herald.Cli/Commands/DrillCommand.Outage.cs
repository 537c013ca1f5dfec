using System.CommandLine;
using System.Diagnostics;
using System.Globalization;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    /// <summary><c>herald drill outage</c>: the broker is killed while orders are placed; nothing accepted is lost or reordered.</summary>
    private Command CreateOutageCommand()
    {
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Not supported: the drill must kill and restart the broker, so it always runs its own herald serve", HelpName = "HOST:PORT" };
        var outage = new Option<double>("--outage") { Description = "How long the broker stays dead", HelpName = "SECONDS", DefaultValueFactory = _ => 5 };
        var rate = new Option<int>("--rate") { Description = "Orders placed per second over HTTP", HelpName = "N", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var stepTimeout = new Option<int>("--step-timeout") { Description = "Give up waiting for the backlog to drain after SECONDS", HelpName = "SECONDS", DefaultValueFactory = _ => 60 }.AtLeast(1);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        outage.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() < 1)
            {
                result.AddError("--outage must be at least 1 second");
            }
        });
        var command = new Command("outage", "Broker outage: herald serve runs as a child process and is killed with SIGKILL while orders are placed over HTTP; the order service keeps accepting them into its outbox, the broker restarts, and every accepted order's events arrive exactly once, in order per order id, while the drill prints the backlog draining")
        {
            bootstrap, outage, rate, stepTimeout, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(bootstrap) is not null)
            {
                throw CliException.BadInput("herald drill outage kills the broker and starts it again, so it runs its own (herald serve as a child process) and cannot use --bootstrap; run it without --bootstrap");
            }

            return await RunOutageDrillAsync(TimeSpan.FromSeconds(result.GetValue(outage)), result.GetValue(rate), TimeSpan.FromSeconds(result.GetValue(stepTimeout)), result.GetValue(json), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private async Task<int> RunOutageDrillAsync(TimeSpan outage, int rate, TimeSpan stepTimeout, bool json, CancellationToken cancellationToken)
    {
        if (!json)
        {
            Heading("Outage drill: the broker dies while orders keep coming");
        }

        var watch = Stopwatch.StartNew();
        var directory = Path.Combine(Path.GetTempPath(), "herald-drill-outage-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            var scenario = new OutageDrillScenario(directory, TimeSpan.FromSeconds(2), outage, rate, stepTimeout);
            var outcome = await scenario.RunAsync((n, text) => { if (!json) { Step(n, text); } }, line => Note(json, line), cancellationToken).ConfigureAwait(false);
            await ReportOutageAsync(outcome, watch.Elapsed, json).ConfigureAwait(false);
            return outcome.Passed ? HeraldCli.Success : HeraldCli.RuntimeFailure;
        }
        catch (TimeoutException e)
        {
            throw new CliException($"drill timed out: {e.Message}", e);
        }
        finally
        {
            DeleteQuietly(directory);
        }
    }

    private async Task ReportOutageAsync(OutageDrillResult outcome, TimeSpan elapsed, bool json)
    {
        if (json)
        {
            await console.Out.WriteLineAsync(CliOutput.ToJsonLine(new
            {
                passed = outcome.Passed,
                topic = outcome.Topic,
                processes = outcome.ProcessIds,
                accepted = outcome.Accepted,
                accepted_by_phase = outcome.AcceptedByPhase,
                resent_records = outcome.ResentRecords,
                elapsed_seconds = Math.Round(elapsed.TotalSeconds, 1),
                backlog = outcome.Backlog.Select(s => new { phase = s.Phase, at = s.At, rows = s.Rows, oldest_age_seconds = Math.Round(s.OldestAge.TotalSeconds, 1) }),
                checks = outcome.Checks.Select(c => new { check = c.What, passed = c.Passed }),
                out_of_flow = outcome.OutOfFlow,
            })).ConfigureAwait(false);
            return;
        }

        Step(5, "what arrived");
        Note(json, $"{outcome.Accepted.ToString(CultureInfo.InvariantCulture)} orders accepted ({outcome.AcceptedByPhase.GetValueOrDefault("before")} before, {outcome.AcceptedByPhase.GetValueOrDefault("outage")} during and {outcome.AcceptedByPhase.GetValueOrDefault("after")} after the outage); {outcome.ResentRecords.ToString(CultureInfo.InvariantCulture)} record(s) resent by a relay and dropped by the consumers' inboxes");
        foreach (var line in outcome.OutOfFlow)
        {
            Note(json, line);
        }

        foreach (var check in outcome.Checks)
        {
            Verdict(check.Passed, check.What);
        }

        await console.Out.WriteLineAsync().ConfigureAwait(false);
        Verdict(outcome.Passed, outcome.Passed
            ? $"nothing accepted was lost, duplicated or reordered across the outage ({elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s)"
            : "surprise: not every check held");
    }
}
