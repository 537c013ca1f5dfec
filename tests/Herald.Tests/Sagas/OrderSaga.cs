using Herald.Contracts;
using Herald.Sagas;

namespace Herald.Tests.Sagas;

// The order flow of the seed: every contract is keyed by OrderId, so one order's events stay in order.
public sealed record OrderCreated([property: PartitionKey] string OrderId, decimal Amount, int PaymentWindowMs = 900_000);

public sealed record PaymentRequested([property: PartitionKey] string OrderId, decimal Amount);

public sealed record PaymentCompleted([property: PartitionKey] string OrderId, string PaymentId);

public sealed record PaymentFailed([property: PartitionKey] string OrderId, string Reason);

public sealed record InventoryReserveRequested([property: PartitionKey] string OrderId);

public sealed record InventoryReserved([property: PartitionKey] string OrderId, string ReservationId);

public sealed record InventoryReserveFailed([property: PartitionKey] string OrderId, string Reason);

public sealed record OrderCancelled([property: PartitionKey] string OrderId, string Reason);

public sealed record PaymentRefunded([property: PartitionKey] string OrderId, string PaymentId);

/// <summary>The saga's own timeout: never published, delivered by the timeout service.</summary>
public sealed record OrderSagaTimedOut(string OrderId);

public enum OrderStep
{
    AwaitingPayment,
    AwaitingInventory,
    Compensating,
    Completed,
    Cancelled,
}

public sealed class OrderSagaState : SagaState<OrderStep>
{
    public decimal Amount { get; set; }

    public string? PaymentId { get; set; }

    public string? ReservationId { get; set; }

    public string? FailureReason { get; set; }
}

/// <summary>
/// The test saga: order → payment → inventory, compensation on failure or timeout. Policies are the defaults except
/// PaymentCompleted without an instance (retried) and InventoryReserved without one (a fault).
/// </summary>
public class OrderSaga : SagaDefinition<OrderSagaState, OrderStep>
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromMinutes(15);

    /// <summary>A payment extends the deadline: the new timeout supersedes the first.</summary>
    public static readonly TimeSpan InventoryTimeout = TimeSpan.FromMinutes(30);

    protected virtual string SagaName => "order-fulfilment";

    protected override void Configure(SagaBuilder<OrderSagaState, OrderStep> saga)
    {
        saga.Name(SagaName).CorrelateAllBy("OrderId");
        saga.Timeout<OrderSagaTimedOut>(PaymentTimeout);

        saga.StartedBy<OrderCreated>((state, e, ctx) =>
        {
            state.Amount = e.Amount;
            ctx.Publish(new PaymentRequested(e.OrderId, e.Amount));
            ctx.ScheduleTimeout(new OrderSagaTimedOut(e.OrderId), TimeSpan.FromMilliseconds(e.PaymentWindowMs));
            if (e.Amount < 0)
            {
                // After publishing and scheduling: the atomicity test needs both to roll back.
                throw new InvalidOperationException($"order {e.OrderId} has a negative amount");
            }

            return OrderStep.AwaitingPayment;
        }).To(OrderStep.AwaitingPayment);

        saga.During(OrderStep.AwaitingPayment)
            .On<PaymentCompleted>((state, e, ctx) =>
            {
                state.PaymentId = e.PaymentId;
                ctx.Publish(new InventoryReserveRequested(e.OrderId));
                ctx.ScheduleTimeout(new OrderSagaTimedOut(e.OrderId), InventoryTimeout);
                return OrderStep.AwaitingInventory;
            }).To(OrderStep.AwaitingInventory)
            .On<PaymentFailed>((state, e, ctx) => Cancel(state, ctx, e.Reason)).To(OrderStep.Cancelled, OrderStep.Compensating).Compensates();

        saga.During(OrderStep.AwaitingInventory)
            .On<InventoryReserved>(async (state, e, ctx, cancellationToken) =>
            {
                await Task.Yield();
                state.ReservationId = e.ReservationId;
                ctx.CancelTimeout<OrderSagaTimedOut>();
                return OrderStep.Completed;
            }).To(OrderStep.Completed)
            .On<InventoryReserveFailed>((state, e, ctx) => Cancel(state, ctx, e.Reason)).To(OrderStep.Cancelled, OrderStep.Compensating).Compensates();

        saga.During(OrderStep.AwaitingPayment, OrderStep.AwaitingInventory)
            .On<OrderSagaTimedOut>((state, e, ctx) => Cancel(state, ctx, "timeout")).To(OrderStep.Cancelled, OrderStep.Compensating).Compensates();

        saga.During(OrderStep.Compensating)
            .On<PaymentRefunded>((state, e, ctx) => OrderStep.Cancelled).To(OrderStep.Cancelled).Compensates();

        saga.Finally(OrderStep.Completed, OrderStep.Cancelled).RetainFor(TimeSpan.FromDays(7));
        saga.OnMissingInstance<PaymentCompleted>(Missing.Retry);
        saga.OnMissingInstance<InventoryReserved>(Missing.Fault);
        ConfigureMore(saga);
    }

    protected virtual void ConfigureMore(SagaBuilder<OrderSagaState, OrderStep> saga)
    {
    }

    private static OrderStep Cancel(OrderSagaState state, SagaContext ctx, string reason)
    {
        state.FailureReason = reason;
        ctx.Publish(new OrderCancelled(state.Id, reason));
        ctx.CancelTimeout<OrderSagaTimedOut>();
        return state.PaymentId is null ? OrderStep.Cancelled : OrderStep.Compensating;
    }
}

/// <summary>The same saga with the strict policies: unexpected events are retried, late ones dropped without history.</summary>
public sealed class StrictOrderSaga : OrderSaga
{
    protected override string SagaName => "order-fulfilment-strict";

    protected override void ConfigureMore(SagaBuilder<OrderSagaState, OrderStep> saga)
    {
        saga.OnUnexpected(Unexpected.Retry);
        saga.During(OrderStep.Completed, OrderStep.Cancelled).IgnoreAll();
    }
}
