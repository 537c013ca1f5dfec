using System.Globalization;
using Herald.Cli.Drills;
using Herald.Sagas;
using Orders.Contracts;
using Orders.Services.Ordering;

namespace Herald.Cli.Commands;

/// <summary>
/// Drill 4 as scenarios over the Orders sample's three services, each a separate process: a happy order, an inventory
/// failure that compensates, the payment service killed with SIGKILL in the middle of its work and restarted, and a
/// stopped inventory service whose silence the saga's timeout compensates.
/// </summary>
internal sealed class SagaDrillScenario(OrderFlowServices services, OrderFlowObserver observer, TimeSpan? sagaTimeout, TimeSpan stepTimeout)
{
    public const string Happy = "happy";
    public const string InventoryFails = "inventory-fails";
    public const string PaymentCrash = "payment-crash";
    public const string InventoryStopped = "inventory-stopped";

    /// <summary>The scenarios in the order they run (the last one leaves the inventory service dead).</summary>
    public static readonly string[] All = [Happy, InventoryFails, PaymentCrash, InventoryStopped];

    /// <summary>Orders placed at once while the payment service is killed.</summary>
    public const int CrashOrders = 10;

    /// <summary>Simulated gateway latency per charge: it spreads the charges out so the kill lands among them.</summary>
    public static readonly TimeSpan ChargeDelay = TimeSpan.FromMilliseconds(150);

    private static readonly string[] CompletedFlow =
        [nameof(OrderCreated), nameof(PaymentRequested), nameof(PaymentCompleted), nameof(InventoryReserveRequested), nameof(InventoryReserved), nameof(OrderCompleted)];

    private static readonly string[] InventoryFailedFlow =
        [nameof(OrderCreated), nameof(PaymentRequested), nameof(PaymentCompleted), nameof(InventoryReserveRequested), nameof(InventoryReserveFailed), nameof(OrderCancelled), nameof(PaymentRefunded)];

    private static readonly string[] TimedOutFlow =
        [nameof(OrderCreated), nameof(PaymentRequested), nameof(PaymentCompleted), nameof(InventoryReserveRequested), nameof(OrderCancelled), nameof(PaymentRefunded)];

    private readonly SqliteSagaStore _sagas = new($"Data Source={services.OrdersDatabase}");

    public async Task<SagaScenarioResult> RunAsync(string scenario, Action<string> note, CancellationToken cancellationToken) => scenario switch
    {
        Happy => await HappyAsync(cancellationToken).ConfigureAwait(false),
        InventoryFails => await InventoryFailsAsync(cancellationToken).ConfigureAwait(false),
        PaymentCrash => await PaymentCrashAsync(note, cancellationToken).ConfigureAwait(false),
        InventoryStopped => await InventoryStoppedAsync(note, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "no such scenario"),
    };

    private async Task<SagaScenarioResult> HappyAsync(CancellationToken cancellationToken)
    {
        var order = await PlaceAsync(new PlaceOrder("drill-customer", 20m, [new OrderLine("widget", 2)]), cancellationToken).ConfigureAwait(false);
        var outcome = await SettleAsync(order, nameof(OrderCompleted), cancellationToken).ConfigureAwait(false);
        return Result(Happy, "a happy order ends Completed", [outcome],
        [
            new($"the saga ended {nameof(OrderStep.Completed)} (it is {outcome.Step ?? "missing"})", outcome.Step == nameof(OrderStep.Completed)),
            new($"each event of the flow arrived once, in order: {string.Join(", ", CompletedFlow)}", outcome.Events.AreExactly(CompletedFlow)),
            new("the payment service charged it once and refunded nothing", outcome.Charges == 1 && outcome.Refunds == 0),
        ]);
    }

    private async Task<SagaScenarioResult> InventoryFailsAsync(CancellationToken cancellationToken)
    {
        // More gizmos than the inventory holds (it starts with 3): the reservation fails after the payment went through.
        var order = await PlaceAsync(new PlaceOrder("drill-customer", 30m, [new OrderLine("gizmo", 10)]), cancellationToken).ConfigureAwait(false);
        var outcome = await SettleAsync(order, nameof(PaymentRefunded), cancellationToken).ConfigureAwait(false);
        return Result(InventoryFails, "a forced inventory failure compensates: OrderCancelled, then PaymentRefunded", [outcome],
        [
            new($"the saga ended {nameof(OrderStep.Cancelled)} (it is {outcome.Step ?? "missing"})", outcome.Step == nameof(OrderStep.Cancelled)),
            new($"{nameof(InventoryReserveFailed)}, {nameof(OrderCancelled)} and {nameof(PaymentRefunded)} were observed, each once, in the order of the flow", outcome.Events.AreExactly(InventoryFailedFlow)),
            new("the payment service charged it once and refunded it once", outcome.Charges == 1 && outcome.Refunds == 1),
            new("the saga's history reports the compensation apart from the forward steps", outcome.CompensationSteps >= 2),
        ]);
    }

    private async Task<SagaScenarioResult> PaymentCrashAsync(Action<string> note, CancellationToken cancellationToken)
    {
        var placing = Enumerable.Range(0, CrashOrders).Select(i =>
            PlaceAsync(new PlaceOrder("drill-customer", 10m + i, [new OrderLine("widget", 1)]), cancellationToken)).ToList();
        var orders = await Task.WhenAll(placing).ConfigureAwait(false);

        // Kill as soon as some — not all — of these orders were charged: the service dies between charges, with
        // events consumed and committed whose offsets it never committed.
        var chargedAtKill = await WaitForAsync(
            async () => (await ChargedAsync(orders, cancellationToken).ConfigureAwait(false)) is var charged and >= 2 ? charged : (int?)null,
            "the payment service to charge two of the orders", cancellationToken).ConfigureAwait(false);
        await services.KillAsync(OrderFlowServices.Payment).ConfigureAwait(false);
        note($"SIGKILLed the payment service with {chargedAtKill} of {CrashOrders} orders charged; restarting it on the same database");
        await services.RestartAsync(OrderFlowServices.Payment, cancellationToken).ConfigureAwait(false);

        var outcomes = new List<OrderOutcome>();
        foreach (var order in orders)
        {
            outcomes.Add(await SettleAsync(order, nameof(OrderCompleted), cancellationToken).ConfigureAwait(false));
        }

        var skipped = services.Running[OrderFlowServices.Payment].Count(l => l.Contains("skipped duplicate", StringComparison.Ordinal));
        note($"the restarted payment service's inbox skipped {skipped} redelivered event(s)");
        return Result(PaymentCrash, $"the payment service SIGKILLed mid-saga ({chargedAtKill} of {CrashOrders} charged) and restarted: every effect exactly once", outcomes,
        [
            new($"the kill landed mid-saga: {chargedAtKill} of {CrashOrders} orders were charged when it died", chargedAtKill < CrashOrders),
            new($"all {CrashOrders} sagas ended {nameof(OrderStep.Completed)}", outcomes.All(o => o.Step == nameof(OrderStep.Completed))),
            new("the payment ledger holds exactly one charge and no refund per order", outcomes.All(o => o.Charges == 1 && o.Refunds == 0)),
            new("every order's events arrived once each (one PaymentCompleted per order), in order", outcomes.All(o => o.Events.AreExactly(CompletedFlow))),
        ]);
    }

    private async Task<SagaScenarioResult> InventoryStoppedAsync(Action<string> note, CancellationToken cancellationToken)
    {
        await services.KillAsync(OrderFlowServices.Inventory).ConfigureAwait(false);
        note(sagaTimeout is { } timeout
            ? $"SIGKILLed the inventory service (not restarted); the saga's reservation timeout is {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s"
            : "SIGKILLed the inventory service (not restarted); the saga has NO timeout (--saga-timeout 0): nothing will compensate");
        var order = await PlaceAsync(new PlaceOrder("drill-customer", 40m, [new OrderLine("widget", 4)]), cancellationToken).ConfigureAwait(false);
        var outcome = await SettleAsync(order, nameof(PaymentRefunded), cancellationToken).ConfigureAwait(false);
        return Result(InventoryStopped, "a stopped inventory service: the saga's timeout compensates", [outcome],
        [
            new($"the saga ended {nameof(OrderStep.Cancelled)} (it is {outcome.Step ?? "missing"})", outcome.Step == nameof(OrderStep.Cancelled)),
            new($"the {nameof(ReservationTimedOut)} timeout fired and ran the compensation", outcome.TimedOut),
            new($"{nameof(OrderCancelled)} and {nameof(PaymentRefunded)} were observed, each once, after the unanswered {nameof(InventoryReserveRequested)}", outcome.Events.AreExactly(TimedOutFlow)),
            new("the payment service charged it once and refunded it once", outcome.Charges == 1 && outcome.Refunds == 1),
        ]);
    }

    private async Task<Guid> PlaceAsync(PlaceOrder order, CancellationToken cancellationToken)
    {
        var (status, orderId) = await services.PlaceOrderAsync(order, cancellationToken).ConfigureAwait(false);
        return orderId ?? throw new InvalidOperationException($"POST /orders answered {(int)status} {status}, not 202 Accepted");
    }

    /// <summary>
    /// Waits until the order's saga is in a final step and <paramref name="lastEvent"/> was seen on the topic, or until the
    /// step timeout (then reports what it is instead: a saga that never finishes is a failed check, not a crash).
    /// </summary>
    private async Task<OrderOutcome> SettleAsync(Guid orderId, string lastEvent, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + stepTimeout;
        SagaInstance? saga;
        while (true)
        {
            saga = await _sagas.GetAsync(OrderSaga.SagaName, orderId.ToString(), cancellationToken).ConfigureAwait(false);
            if ((saga?.Summary.IsCompleted == true && observer.Saw(orderId, lastEvent)) || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        var ledger = (await OrderFlowDatabases.LedgerAsync(services, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(orderId);
        return new OrderOutcome(
            orderId,
            saga?.Summary.Step,
            OrderEvents.Of(observer.For(orderId)),
            ledger.Charges,
            ledger.Refunds,
            saga?.CompensationSteps.Count ?? 0,
            saga?.History.Any(h => h.EventType == nameof(ReservationTimedOut) && h.IsStateChange) == true,
            saga is null ? [] : [.. saga.History.Select(Describe)]);
    }

    private async Task<int> ChargedAsync(Guid[] orders, CancellationToken cancellationToken)
    {
        var ledger = await OrderFlowDatabases.LedgerAsync(services, cancellationToken).ConfigureAwait(false);
        return orders.Count(o => ledger.GetValueOrDefault(o).Charges > 0);
    }

    private async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, CancellationToken cancellationToken)
        where T : struct
    {
        var deadline = DateTime.UtcNow + stepTimeout;
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up after {stepTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for {what}:\n{services.Tails()}");
            }

            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Describe(SagaHistoryEntry entry)
    {
        var change = entry.FromStep == entry.ToStep ? entry.ToStep ?? "" : $"{entry.FromStep ?? "(new)"} → {entry.ToStep}";
        var emitted = entry.Emitted.Count == 0 ? "" : " ⇒ " + string.Join(", ", entry.Emitted.Select(e => e.Kind switch
        {
            SagaEmissionKind.Event => e.Type,
            SagaEmissionKind.TimeoutScheduled => $"timeout {e.Type} scheduled",
            _ => $"timeout {e.Type ?? "(all)"} cancelled",
        }));
        return $"{entry.Seq.ToString(CultureInfo.InvariantCulture)}. {entry.Kind.ToString().ToLowerInvariant()}: {entry.EventType}  {change}{emitted}";
    }

    private static SagaScenarioResult Result(string name, string title, IReadOnlyList<OrderOutcome> orders, IReadOnlyList<DrillCheck> checks) =>
        new(name, title, checks.All(c => c.Passed), checks, orders);
}

/// <summary>One order at the end of a scenario.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Step">Its saga's step from the saga query API (null: no saga instance).</param>
/// <param name="Events">Its events as seen on the topic.</param>
/// <param name="Charges">Charges in the payment ledger.</param>
/// <param name="Refunds">Refunds in the payment ledger.</param>
/// <param name="CompensationSteps">History entries of kind compensation.</param>
/// <param name="TimedOut">Whether the reservation timeout fired and changed the saga.</param>
/// <param name="History">The saga's history, one line per entry.</param>
internal sealed record OrderOutcome(Guid OrderId, string? Step, OrderEvents Events, int Charges, int Refunds, int CompensationSteps, bool TimedOut, IReadOnlyList<string> History);

/// <summary>What one scenario of drill 4 saw.</summary>
internal sealed record SagaScenarioResult(string Name, string Title, bool Passed, IReadOnlyList<DrillCheck> Checks, IReadOnlyList<OrderOutcome> Orders)
{
    /// <summary>How long the scenario took.</summary>
    public TimeSpan Elapsed { get; init; }
}
