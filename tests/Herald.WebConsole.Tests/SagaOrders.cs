using Herald.Consuming;
using Herald.Contracts;
using Herald.Sagas;

namespace Herald.WebConsole.Tests;

// The seed's order flow, as tests/Herald.Tests/Sagas/OrderSaga.cs has it, trimmed to what the Sagas pages show.
public sealed record OrderPlaced([property: PartitionKey] string OrderId, decimal Amount);

public sealed record ChargeRequested([property: PartitionKey] string OrderId, decimal Amount);

public sealed record ChargeSucceeded([property: PartitionKey] string OrderId, string PaymentId);

public sealed record StockRequested([property: PartitionKey] string OrderId);

public sealed record StockReserved([property: PartitionKey] string OrderId, string ReservationId);

public sealed record StockUnavailable([property: PartitionKey] string OrderId, string Reason);

public sealed record OrderAborted([property: PartitionKey] string OrderId, string Reason);

public sealed record ChargeRefunded([property: PartitionKey] string OrderId, string PaymentId);

public sealed record OrderExpired(string OrderId);

public enum OrderStage
{
    AwaitingPayment,
    AwaitingStock,
    Refunding,
    Completed,
    Cancelled,
}

public sealed class OrderData : SagaState<OrderStage>
{
    public decimal Amount { get; set; }

    public string? PaymentId { get; set; }

    public string? ReservationId { get; set; }

    public string? FailureReason { get; set; }
}

/// <summary>Order → payment → stock; when stock fails the payment is refunded (two compensation steps). A day to pay.</summary>
public sealed class ConsoleOrderSaga : SagaDefinition<OrderData, OrderStage>
{
    public const string TypeName = "order-fulfilment";

    public static readonly TimeSpan PaymentWindow = TimeSpan.FromDays(1);

    protected override void Configure(SagaBuilder<OrderData, OrderStage> saga)
    {
        saga.Name(TypeName).CorrelateAllBy("OrderId");
        saga.Timeout<OrderExpired>(PaymentWindow);
        saga.StartedBy<OrderPlaced>((state, e, ctx) =>
        {
            state.Amount = e.Amount;
            ctx.Publish(new ChargeRequested(e.OrderId, e.Amount));
            ctx.ScheduleTimeout(new OrderExpired(e.OrderId));
            return OrderStage.AwaitingPayment;
        }).To(OrderStage.AwaitingPayment);

        saga.During(OrderStage.AwaitingPayment)
            .On<ChargeSucceeded>((state, e, ctx) =>
            {
                state.PaymentId = e.PaymentId;
                ctx.Publish(new StockRequested(e.OrderId));
                ctx.ScheduleTimeout(new OrderExpired(e.OrderId));
                return OrderStage.AwaitingStock;
            }).To(OrderStage.AwaitingStock);

        saga.During(OrderStage.AwaitingStock)
            .On<StockReserved>((state, e, ctx) =>
            {
                state.ReservationId = e.ReservationId;
                ctx.CancelTimeout<OrderExpired>();
                return OrderStage.Completed;
            }).To(OrderStage.Completed)
            .On<StockUnavailable>((state, e, ctx) =>
            {
                state.FailureReason = e.Reason;
                ctx.Publish(new OrderAborted(e.OrderId, e.Reason));
                ctx.CancelTimeout<OrderExpired>();
                return OrderStage.Refunding;
            }).To(OrderStage.Refunding).Compensates();

        saga.During(OrderStage.AwaitingPayment, OrderStage.AwaitingStock)
            .On<OrderExpired>((state, e, ctx) => OrderStage.Cancelled).To(OrderStage.Cancelled).Compensates();

        saga.During(OrderStage.Refunding)
            .On<ChargeRefunded>((state, e, ctx) => OrderStage.Cancelled).To(OrderStage.Cancelled).Compensates();

        saga.Finally(OrderStage.Completed, OrderStage.Cancelled).RetainFor(TimeSpan.FromDays(7));
    }
}

/// <summary>The payment service: charges every order except "slow-" ones (which never hear back), refunds aborted ones.</summary>
public sealed class ChargeService : IEventHandler<ChargeRequested>, IEventHandler<OrderAborted>
{
    public async Task HandleAsync(ChargeRequested e, EventContext context, CancellationToken cancellationToken)
    {
        if (!e.OrderId.StartsWith("slow-", StringComparison.Ordinal))
        {
            await context.PublishAsync(new ChargeSucceeded(e.OrderId, "pay-" + e.OrderId), cancellationToken: cancellationToken);
        }
    }

    public async Task HandleAsync(OrderAborted e, EventContext context, CancellationToken cancellationToken) =>
        await context.PublishAsync(new ChargeRefunded(e.OrderId, "pay-" + e.OrderId), cancellationToken: cancellationToken);
}

/// <summary>The stock service: reserves unless the order id starts with "nostock-".</summary>
public sealed class StockService : IEventHandler<StockRequested>
{
    public async Task HandleAsync(StockRequested e, EventContext context, CancellationToken cancellationToken)
    {
        if (e.OrderId.StartsWith("nostock-", StringComparison.Ordinal))
        {
            await context.PublishAsync(new StockUnavailable(e.OrderId, "out of stock"), cancellationToken: cancellationToken);
        }
        else
        {
            await context.PublishAsync(new StockReserved(e.OrderId, "res-" + e.OrderId), cancellationToken: cancellationToken);
        }
    }
}
