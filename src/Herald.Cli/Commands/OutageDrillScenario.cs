using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Herald.Cli.Drills;
using Herald.Outbox;
using Herald.Sagas;
using Orders.Contracts;
using Orders.Services.Hosting;
using Orders.Services.Ordering;

namespace Herald.Cli.Commands;

/// <summary>
/// The broker dies while orders are being placed: <c>herald serve</c> runs as a child process, is SIGKILLed, and comes
/// back on the same port and data folder. The order service keeps accepting orders into its outbox the whole time; once
/// the broker is back every accepted order's events must arrive exactly once, in order per order id.
/// </summary>
internal sealed class OutageDrillScenario(string directory, TimeSpan warmUp, TimeSpan outage, int ordersPerSecond, TimeSpan stepTimeout)
{
    private static readonly string[] CompletedFlow =
        [nameof(OrderCreated), nameof(PaymentRequested), nameof(PaymentCompleted), nameof(InventoryReserveRequested), nameof(InventoryReserved), nameof(OrderCompleted)];

    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly int _kafkaPort = FreePort();
    private readonly List<(Guid OrderId, string Phase)> _accepted = [];
    private readonly Dictionary<string, int> _refused = [];
    private DrillProcess? _broker;
    private volatile string _phase = "before";
    private readonly Dictionary<string, List<int>> _processIds = new() { ["broker"] = [] };
    private int _brokerStarts;

    private string Bootstrap => $"127.0.0.1:{_kafkaPort.ToString(CultureInfo.InvariantCulture)}";

    public async Task<OutageDrillResult> RunAsync(Action<int, string> step, Action<string> note, CancellationToken cancellationToken)
    {
        try
        {
            return await RunStepsAsync(step, note, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_broker is not null)
            {
                await _broker.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<OutageDrillResult> RunStepsAsync(Action<int, string> step, Action<string> note, CancellationToken cancellationToken)
    {
        step(1, $"start herald serve as a child process on {Bootstrap}, then the order, payment and inventory services");
        await StartBrokerAsync(cancellationToken).ConfigureAwait(false);
        note($"broker pid {_broker!.Id.ToString(CultureInfo.InvariantCulture)}, data in {Path.Combine(directory, "broker")}");

        // The saga timeout is off: this drill checks delivery through an outage, not compensation, and an order must not
        // be cancelled because its inventory answer sat in an outbox while the broker was dead.
        await using var services = new OrderFlowServices(directory, Bootstrap, _run, new Dictionary<string, string[]> { [OrderFlowServices.Order] = ["--saga-timeout", "0"] });
        await OrderFlowHosting.EnsureTopicAsync(new OrderFlowOptions(Bootstrap, services.Topic, "drill", "drill", null), cancellationToken).ConfigureAwait(false);
        using var observer = new OrderFlowObserver(Bootstrap, services.Topic, OrderFlowHosting.Partitions);
        await services.StartAllAsync(cancellationToken).ConfigureAwait(false);
        var outbox = new SqliteOutboxStore($"Data Source={services.OrdersDatabase}");

        using var placing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var placer = PlaceOrdersAsync(services, placing.Token);

        step(2, $"place {ordersPerSecond.ToString(CultureInfo.InvariantCulture)} orders a second over HTTP for {Seconds(warmUp)}");
        await Task.Delay(warmUp, cancellationToken).ConfigureAwait(false);
        note($"{Accepted("before").ToString(CultureInfo.InvariantCulture)} orders accepted (202)");

        step(3, $"SIGKILL the broker and keep placing orders for {Seconds(outage)}");
        await _broker.KillAsync().ConfigureAwait(false);
        _phase = "outage";
        var samples = new List<BacklogSample>();
        var down = Stopwatch.StartNew();
        while (down.Elapsed < outage)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            var sample = await SampleAsync(outbox, "outage", cancellationToken).ConfigureAwait(false);
            samples.Add(sample);
            note($"broker down {Seconds(down.Elapsed)}: {Accepted("outage").ToString(CultureInfo.InvariantCulture)} orders accepted meanwhile, {Refused()}; order outbox backlog {sample}");
        }

        step(4, "restart the broker on the same port and data folder, place orders for one more second, and watch the backlog drain");
        await StartBrokerAsync(cancellationToken).ConfigureAwait(false);
        _phase = "after";
        note($"broker pid {_broker.Id.ToString(CultureInfo.InvariantCulture)} back after {Seconds(down.Elapsed)} down");
        var sagas = new SqliteSagaStore($"Data Source={services.OrdersDatabase}");
        var back = Stopwatch.StartNew();
        var deadline = DateTime.UtcNow + stepTimeout;
        while (true)
        {
            if (back.Elapsed >= TimeSpan.FromSeconds(1) && !placing.IsCancellationRequested)
            {
                await placing.CancelAsync().ConfigureAwait(false);
                await placer.ConfigureAwait(false);
            }

            var sample = await SampleAsync(outbox, "drain", cancellationToken).ConfigureAwait(false);
            samples.Add(sample);
            var completed = CompletedCount(observer);
            note($"broker back {Seconds(back.Elapsed)}: order outbox backlog {sample}; {completed.ToString(CultureInfo.InvariantCulture)}/{_accepted.Count.ToString(CultureInfo.InvariantCulture)} accepted orders completed");
            if ((placing.IsCancellationRequested && sample.Rows == 0 && completed == _accepted.Count) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
        }

        return await CheckAsync(services, observer, sagas, samples, cancellationToken).ConfigureAwait(false);
    }

    private async Task<OutageDrillResult> CheckAsync(OrderFlowServices services, OrderFlowObserver observer, SqliteSagaStore sagas, List<BacklogSample> samples, CancellationToken cancellationToken)
    {
        var perOrder = _accepted.Select(o => (o.OrderId, o.Phase, Events: OrderEvents.Of(observer.For(o.OrderId)))).ToList();
        var steps = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (orderId, _) in _accepted)
        {
            var step = (await sagas.GetAsync(OrderSaga.SagaName, orderId.ToString(), cancellationToken).ConfigureAwait(false))?.Summary.Step ?? "(no saga)";
            steps[step] = steps.GetValueOrDefault(step) + 1;
        }

        var backlogs = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (service, database) in new[] { ("order", services.OrdersDatabase), ("payment", services.PaymentsDatabase), ("inventory", services.InventoryDatabase) })
        {
            backlogs[service] = (await new SqliteOutboxStore($"Data Source={database}").GetStatusAsync(cancellationToken).ConfigureAwait(false)).BacklogRows;
        }

        var acceptedIds = _accepted.Select(o => o.OrderId).ToHashSet();
        var created = observer.All().Where(e => e.EventType == nameof(OrderCreated)).Select(e => e.OrderId).ToHashSet();
        var outOfFlow = perOrder.Where(o => !o.Events.AreExactly(CompletedFlow)).ToList();
        var duringOutage = Accepted("outage");
        var peak = samples.Where(s => s.Phase == "outage").Select(s => s.Rows).DefaultIfEmpty().Max();
        var checks = new List<DrillCheck>
        {
            new($"the order service kept accepting orders while the broker was down: {duringOutage} accepted (202), {Refused()}", duringOutage > 0 && _refused.Count == 0),
            new($"the outbox buffered them: its backlog peaked at {peak} rows during the outage", peak > 0),
            new($"every accepted order's OrderCreated reached the topic ({created.Count(acceptedIds.Contains)}/{_accepted.Count})", acceptedIds.IsSubsetOf(created)),
            new($"every accepted order's saga completed ({string.Join(", ", steps.Select(s => $"{s.Value} {s.Key}"))})", steps.GetValueOrDefault(nameof(OrderStep.Completed)) == _accepted.Count),
            new($"each order's six events arrived exactly once by event id, in order ({_accepted.Count - outOfFlow.Count}/{_accepted.Count})", outOfFlow.Count == 0),
            new($"every outbox drained (order {backlogs["order"]}, payment {backlogs["payment"]}, inventory {backlogs["inventory"]} rows left)", backlogs.Values.All(v => v == 0)),
        };
        foreach (var (service, ids) in services.ProcessIds)
        {
            _processIds[service] = ids;
        }

        return new OutageDrillResult(
            checks.All(c => c.Passed),
            services.Topic,
            _processIds,
            _accepted.Count,
            _accepted.GroupBy(o => o.Phase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            perOrder.Sum(o => o.Events.Resent),
            samples,
            checks,
            [.. outOfFlow.Take(5).Select(o => $"order {o.OrderId} ({o.Phase}): {o.Events}")]);
    }

    /// <summary>Places orders at the configured rate until cancelled, counting 202s per phase and everything else by outcome.</summary>
    private async Task PlaceOrdersAsync(OrderFlowServices services, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1.0 / ordersPerSecond);
        var next = Stopwatch.StartNew();
        var n = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var current = _phase;
            try
            {
                var (status, orderId) = await services.PlaceOrderAsync(new PlaceOrder("drill-customer", 10m + (n % 50), [new OrderLine("widget", 1 + (n % 3))]), cancellationToken).ConfigureAwait(false);
                lock (_accepted)
                {
                    if (orderId is { } id)
                    {
                        _accepted.Add((id, current));
                    }
                    else
                    {
                        var key = $"HTTP {(int)status}";
                        _refused[key] = _refused.GetValueOrDefault(key) + 1;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // No answer (refused connection, or no response within the client's timeout): the order was not taken.
                lock (_accepted)
                {
                    var key = e is HttpRequestException { HttpRequestError: var error } ? error.ToString() : "no answer in 10 s";
                    _refused[key] = _refused.GetValueOrDefault(key) + 1;
                }
            }

            n++;
            var wait = (interval * n) - next.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task StartBrokerAsync(CancellationToken cancellationToken)
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        _broker = DrillProcess.StartHerald(_brokerStarts++ == 0 ? "broker" : "broker (restarted)",
        [
            "serve", "--data", Path.Combine(directory, "broker"), "--kafka", Bootstrap, "--registry", "127.0.0.1:0", "--http", "127.0.0.1:0",
        ]);
        _processIds["broker"].Add(_broker.Id);
        await _broker.WaitForLineAsync(l => l.StartsWith("herald ready:", StringComparison.Ordinal), "its ready line", TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
    }

    private static async Task<BacklogSample> SampleAsync(SqliteOutboxStore outbox, string phase, CancellationToken cancellationToken)
    {
        var status = await outbox.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        return new BacklogSample(phase, DateTimeOffset.UtcNow, status.BacklogRows, status.OldestAgeAt(status.ReadAt));
    }

    private int CompletedCount(OrderFlowObserver observer)
    {
        lock (_accepted)
        {
            return _accepted.Count(o => observer.Saw(o.OrderId, nameof(OrderCompleted)));
        }
    }

    private int Accepted(string phase)
    {
        lock (_accepted)
        {
            return _accepted.Count(o => o.Phase == phase);
        }
    }

    private string Refused()
    {
        lock (_accepted)
        {
            return _refused.Count == 0 ? "none refused" : "refused: " + string.Join(", ", _refused.Select(r => $"{r.Value} {r.Key}"));
        }
    }

    private static string Seconds(TimeSpan elapsed) => elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

/// <summary>The order service's outbox backlog at one moment.</summary>
internal sealed record BacklogSample(string Phase, DateTimeOffset At, long Rows, TimeSpan OldestAge)
{
    public override string ToString() => $"{Rows.ToString(CultureInfo.InvariantCulture)} rows, oldest {OldestAge.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
}

/// <summary>What the outage drill saw.</summary>
/// <param name="Passed">Every check held.</param>
/// <param name="Topic">The drill's order-flow topic.</param>
/// <param name="ProcessIds">Every process id the broker and each service ran as.</param>
/// <param name="Accepted">Orders the order service accepted (202).</param>
/// <param name="AcceptedByPhase">Accepted orders before, during and after the outage.</param>
/// <param name="ResentRecords">Records whose event id had been seen already (relay retries; the inboxes drop them).</param>
/// <param name="Backlog">The order service's outbox backlog, sampled during the outage and the drain.</param>
/// <param name="Checks">What was checked.</param>
/// <param name="OutOfFlow">A few orders whose events were not exactly the flow, for the report.</param>
internal sealed record OutageDrillResult(bool Passed, string Topic, IReadOnlyDictionary<string, List<int>> ProcessIds, int Accepted, IReadOnlyDictionary<string, int> AcceptedByPhase, int ResentRecords, IReadOnlyList<BacklogSample> Backlog, IReadOnlyList<DrillCheck> Checks, IReadOnlyList<string> OutOfFlow);
