using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Herald.Cli.Drills;
using Herald.Server;
using Orders.Services.Hosting;

namespace Herald.Cli.Commands;

internal sealed partial class DrillCommand
{
    /// <summary><c>herald drill saga</c>: drill 4, the order saga over three service processes, with failures inflicted on purpose.</summary>
    private Command CreateSagaCommand()
    {
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Broker to use; default: start an embedded Herald broker for the drill", HelpName = "HOST:PORT" };
        var sagaTimeout = new Option<double>("--saga-timeout") { Description = "How long the order saga waits for the inventory's answer before it compensates; 0 turns the timeout off (the stopped-inventory scenario then fails)", HelpName = "SECONDS", DefaultValueFactory = _ => 3 };
        var scenarios = new Option<string[]>("--scenario") { Description = $"Run only these scenarios (repeatable): {string.Join(", ", SagaDrillScenario.All)}", HelpName = "NAME", AllowMultipleArgumentsPerToken = false };
        scenarios.AcceptOnlyFromAmong(SagaDrillScenario.All);
        var stepTimeout = new Option<int>("--step-timeout") { Description = "Give up waiting for a scenario's outcome after SECONDS", HelpName = "SECONDS", DefaultValueFactory = _ => 30 }.AtLeast(1);
        var paymentPostgres = new Option<string?>("--payment-postgres") { Description = "Run the payment service on this PostgreSQL database (payments, inbox and outbox) instead of a SQLite file; the drill creates its tables there", HelpName = "CONNECTION" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON" };
        sagaTimeout.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() < 0)
            {
                result.AddError("--saga-timeout cannot be negative (0 turns the timeout off)");
            }
        });
        var command = new Command("saga", "Drill 4, saga choreography: order, payment and inventory services as separate processes; a happy order completes, a failed reservation is compensated (OrderCancelled, PaymentRefunded), a payment service killed with SIGKILL mid-saga and restarted charges each order once, and a stopped inventory service is compensated by the saga's timeout")
        {
            bootstrap, sagaTimeout, scenarios, stepTimeout, paymentPostgres, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var broker = result.GetValue(bootstrap);
            if (broker is not null)
            {
                _ = Endpoint.Parse(broker, "--bootstrap");
            }

            var chosen = result.GetValue(scenarios) is { Length: > 0 } names ? SagaDrillScenario.All.Where(names.Contains).ToArray() : SagaDrillScenario.All;
            var timeout = result.GetValue(sagaTimeout) is var seconds and > 0 ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            return await RunSagaDrillAsync(broker, timeout, chosen, TimeSpan.FromSeconds(result.GetValue(stepTimeout)), result.GetValue(paymentPostgres), result.GetValue(json), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private async Task<int> RunSagaDrillAsync(string? bootstrap, TimeSpan? sagaTimeout, string[] scenarios, TimeSpan stepTimeout, string? paymentPostgres, bool json, CancellationToken cancellationToken)
    {
        if (!json)
        {
            Heading("Drill 4: saga choreography — order → payment → inventory, with compensation");
        }

        var watch = Stopwatch.StartNew();
        var run = Guid.NewGuid().ToString("N")[..8];
        var directory = Path.Combine(Path.GetTempPath(), "herald-drill-saga-" + run);
        Directory.CreateDirectory(directory);
        HeraldServer? embedded = null;
        OrderFlowServices? services = null;
        OrderFlowObserver? observer = null;
        try
        {
            if (bootstrap is null)
            {
                embedded = await StartEmbeddedHeraldAsync(Path.Combine(directory, "broker"), cancellationToken).ConfigureAwait(false);
                bootstrap = embedded.KafkaBootstrap;
            }

            services = new OrderFlowServices(directory, bootstrap, run, new Dictionary<string, string[]>
            {
                [OrderFlowServices.Order] = ["--saga-timeout", sagaTimeout is { } t ? t.TotalSeconds.ToString(CultureInfo.InvariantCulture) : "0"],
                [OrderFlowServices.Payment] = ["--charge-delay", SagaDrillScenario.ChargeDelay.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms"],
            }, paymentPostgres);
            var common = new OrderFlowOptions(bootstrap, services.Topic, "drill", "drill", null);
            await OrderFlowHosting.EnsureTopicAsync(common, cancellationToken).ConfigureAwait(false);
            observer = new OrderFlowObserver(bootstrap, services.Topic, OrderFlowHosting.Partitions);

            if (!json)
            {
                Step(1, $"start the order, payment and inventory services as processes ({(embedded is null ? bootstrap : "an embedded Herald at " + bootstrap)}, topic {services.Topic})");
            }

            var started = Stopwatch.StartNew();
            await services.StartAllAsync(cancellationToken).ConfigureAwait(false);
            Note(json, string.Join(", ", services.Running.Select(p => $"{p.Key} pid {p.Value.Id.ToString(CultureInfo.InvariantCulture)}")) + $"; all consuming after {Seconds(started.Elapsed)}; databases in {directory}{(paymentPostgres is null ? "" : " (payments in PostgreSQL)")}");

            var results = new List<SagaScenarioResult>();
            var scenario = new SagaDrillScenario(services, observer, sagaTimeout, stepTimeout);
            var number = 2;
            foreach (var name in scenarios)
            {
                if (!json)
                {
                    Step(number++, name);
                }

                var took = Stopwatch.StartNew();
                var outcome = await scenario.RunAsync(name, line => Note(json, line), cancellationToken).ConfigureAwait(false) with { Elapsed = took.Elapsed };
                results.Add(outcome);
                ReportScenario(outcome, json);
            }

            var passed = results.All(r => r.Passed);
            await ReportSagaAsync(results, passed, bootstrap, embedded is not null, services, sagaTimeout, watch.Elapsed, json).ConfigureAwait(false);
            return passed ? HeraldCli.Success : HeraldCli.RuntimeFailure;
        }
        catch (TimeoutException e)
        {
            throw new CliException($"drill timed out: {e.Message}", e);
        }
        finally
        {
            if (services is not null)
            {
                await services.DisposeAsync().ConfigureAwait(false);
            }

            observer?.Dispose();
            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }

            DeleteQuietly(directory);
        }
    }

    private void ReportScenario(SagaScenarioResult outcome, bool json)
    {
        if (json)
        {
            return;
        }

        Note(json, $"{outcome.Title} ({Seconds(outcome.Elapsed)})");
        foreach (var (order, index) in outcome.Orders.Select((o, i) => (o, i)))
        {
            Note(json, $"order {order.OrderId}: saga {order.Step ?? "(none)"}; ledger {order.Charges} charge(s), {order.Refunds} refund(s)");
            Note(json, $"  events: {order.Events}");
            if (index == 0)
            {
                // One order's full history is enough to see the shape; the rest are summarised above.
                Note(json, "  saga history (from the saga query API):");
                foreach (var line in order.History)
                {
                    Note(json, "    " + line);
                }
            }
        }

        foreach (var check in outcome.Checks)
        {
            Verdict(check.Passed, check.What);
        }
    }

    private async Task ReportSagaAsync(List<SagaScenarioResult> results, bool passed, string bootstrap, bool embedded, OrderFlowServices services, TimeSpan? sagaTimeout, TimeSpan elapsed, bool json)
    {
        if (json)
        {
            await console.Out.WriteLineAsync(CliOutput.ToJsonLine(new
            {
                passed,
                bootstrap,
                embedded_broker = embedded,
                topic = services.Topic,
                payment_database = services.PaymentsPostgres is null ? "sqlite" : "postgresql",
                processes = services.ProcessIds,
                saga_timeout_seconds = sagaTimeout?.TotalSeconds,
                elapsed_seconds = Math.Round(elapsed.TotalSeconds, 1),
                scenarios = results.Select(r => new
                {
                    name = r.Name,
                    title = r.Title,
                    passed = r.Passed,
                    elapsed_seconds = Math.Round(r.Elapsed.TotalSeconds, 1),
                    checks = r.Checks.Select(c => new { check = c.What, passed = c.Passed }),
                    orders = r.Orders.Select(o => new
                    {
                        order_id = o.OrderId,
                        state = o.Step,
                        events = o.Events.Types,
                        resent_records = o.Events.Resent,
                        charges = o.Charges,
                        refunds = o.Refunds,
                        timed_out = o.TimedOut,
                        history = o.History,
                    }),
                }),
            })).ConfigureAwait(false);
            return;
        }

        var failed = results.Where(r => !r.Passed).Select(r => r.Name).ToList();
        await console.Out.WriteLineAsync().ConfigureAwait(false);
        Verdict(passed, passed
            ? $"all {results.Count} scenario(s) held ({string.Join(", ", results.Select(r => r.Name))}) in {elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s"
            : $"surprise: {string.Join(", ", failed)} did not hold");
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Deletes a drill's temporary folder; a file a killed child still held is left for the OS to clean.</summary>
    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
