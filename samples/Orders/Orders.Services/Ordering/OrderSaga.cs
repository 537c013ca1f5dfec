using Herald.Sagas;
using Orders.Contracts;

namespace Orders.Services.Ordering;

/// <summary>Where an order's saga stands.</summary>
public enum OrderStep
{
    /// <summary>PaymentRequested sent; waiting for PaymentCompleted or PaymentFailed.</summary>
    AwaitingPayment,

    /// <summary>Paid; InventoryReserveRequested sent, with a timeout; waiting for InventoryReserved or InventoryReserveFailed.</summary>
    AwaitingInventory,

    /// <summary>OrderCancelled sent after a charge; waiting for PaymentRefunded.</summary>
    Compensating,

    /// <summary>Paid and reserved (final).</summary>
    Completed,

    /// <summary>Cancelled, and refunded if it was charged (final).</summary>
    Cancelled,
}

/// <summary>What the order saga remembers about one order.</summary>
public sealed class OrderState : SagaState<OrderStep>
{
    public decimal Amount { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    public string? PaymentId { get; set; }

    public string? ReservationId { get; set; }

    public string? CancelReason { get; set; }
}

/// <summary>
/// The inventory service did not answer in time. Never on the topic: the saga schedules it for itself when it asks for
/// the reservation, cancels it when the answer comes, and compensates when it fires.
/// </summary>
public sealed record ReservationTimedOut(Guid OrderId);

/// <summary>
/// The order saga: OrderCreated → PaymentRequested → PaymentCompleted → InventoryReserveRequested → InventoryReserved →
/// OrderCompleted. A declined payment cancels the order; a failed or overdue reservation cancels it and waits for the
/// refund (the payment and inventory services compensate on OrderCancelled).
/// </summary>
/// <remarks>
/// Only the inventory step has a timeout: a payment service that crashes is restarted and catches up (its requests
/// wait on the topic), while stock held for an order nobody confirms is the business's real problem.
/// </remarks>
public sealed class OrderSaga : SagaDefinition<OrderState, OrderStep>
{
    public const string SagaName = "order-fulfilment";

    private readonly TimeSpan? _reservationTimeout;

    /// <summary>The saga with <see cref="OrderServiceOptions.DefaultSagaTimeout"/> on the inventory step.</summary>
    public OrderSaga()
        : this(OrderServiceOptions.DefaultSagaTimeout)
    {
    }

    /// <param name="reservationTimeout">How long to wait for the inventory's answer; null waits forever (nothing compensates a stopped inventory service).</param>
    public OrderSaga(TimeSpan? reservationTimeout)
    {
        _reservationTimeout = reservationTimeout;
    }

    protected override void Configure(SagaBuilder<OrderState, OrderStep> saga)
    {
        saga.Name(SagaName).CorrelateAllBy(nameof(OrderCreated.OrderId));
        saga.Timeout<ReservationTimedOut>(_reservationTimeout);

        saga.StartedBy<OrderCreated>((state, e, ctx) =>
        {
            state.Amount = e.Amount;
            state.Lines = [.. e.Lines];
            ctx.Publish(new PaymentRequested(e.OrderId, e.Amount));
            return OrderStep.AwaitingPayment;
        }).To(OrderStep.AwaitingPayment);

        saga.During(OrderStep.AwaitingPayment)
            .On<PaymentCompleted>((state, e, ctx) =>
            {
                state.PaymentId = e.PaymentId;
                ctx.Publish(new InventoryReserveRequested(e.OrderId, state.Lines));
                if (_reservationTimeout is not null)
                {
                    ctx.ScheduleTimeout(new ReservationTimedOut(e.OrderId));
                }

                return OrderStep.AwaitingInventory;
            }).To(OrderStep.AwaitingInventory)
            .On<PaymentFailed>((state, e, ctx) => Cancel(state, ctx, e.Reason)).To(OrderStep.Cancelled).Compensates();

        saga.During(OrderStep.AwaitingInventory)
            .On<InventoryReserved>((state, e, ctx) =>
            {
                state.ReservationId = e.ReservationId;
                ctx.CancelTimeout<ReservationTimedOut>();
                ctx.Publish(new OrderCompleted(e.OrderId, state.PaymentId!, e.ReservationId));
                return OrderStep.Completed;
            }).To(OrderStep.Completed)
            .On<InventoryReserveFailed>((state, e, ctx) => Cancel(state, ctx, e.Reason)).To(OrderStep.Compensating).Compensates()
            .On<ReservationTimedOut>((state, _, ctx) => Cancel(state, ctx, $"the inventory service did not answer within {_reservationTimeout?.TotalSeconds:0.###} s")).To(OrderStep.Compensating).Compensates();

        // The refund closes a cancelled order. A reservation that lands after the timeout is released by the inventory
        // service when it reads OrderCancelled (which follows on the same partition), so the saga lets it pass.
        saga.During(OrderStep.Compensating)
            .On<PaymentRefunded>((_, _, _) => OrderStep.Cancelled).To(OrderStep.Cancelled).Compensates()
            .Ignore<InventoryReserved>()
            .Ignore<InventoryReserveFailed>()
            .Ignore<InventoryReleased>();

        // Late events after the end (a release after the refund, a redelivered answer) are kept in the history as "late".
        saga.Finally(OrderStep.Completed, OrderStep.Cancelled).RetainFor(TimeSpan.FromDays(30));
    }

    private static OrderStep Cancel(OrderState state, SagaContext ctx, string reason)
    {
        state.CancelReason = reason;
        ctx.CancelTimeout<ReservationTimedOut>();
        ctx.Publish(new OrderCancelled(Guid.Parse(ctx.SagaId), reason));
        return state.PaymentId is null ? OrderStep.Cancelled : OrderStep.Compensating;
    }
}
