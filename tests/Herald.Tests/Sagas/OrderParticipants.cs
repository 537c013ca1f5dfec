using Herald.Consuming;

namespace Herald.Tests.Sagas;

/// <summary>
/// The payment service of the choreography, in the test host: pays unless the order id says otherwise ("nopay-" fails,
/// "slow-" never answers), and refunds a paid order that was cancelled. Stateless: whether an order was paid follows
/// from its id.
/// </summary>
public sealed class PaymentParticipant : IEventHandler<PaymentRequested>, IEventHandler<OrderCancelled>
{
    public async Task HandleAsync(PaymentRequested e, EventContext context, CancellationToken cancellationToken)
    {
        if (e.OrderId.StartsWith("slow-", StringComparison.Ordinal))
        {
            return;
        }

        if (e.OrderId.StartsWith("nopay-", StringComparison.Ordinal))
        {
            await context.PublishAsync(new PaymentFailed(e.OrderId, "card declined"), cancellationToken: cancellationToken);
            return;
        }

        await context.PublishAsync(new PaymentCompleted(e.OrderId, PaymentId(e.OrderId)), cancellationToken: cancellationToken);
    }

    public async Task HandleAsync(OrderCancelled e, EventContext context, CancellationToken cancellationToken)
    {
        // A refund for a payment that was never made does nothing.
        if (e.OrderId.StartsWith("slow-", StringComparison.Ordinal) || e.OrderId.StartsWith("nopay-", StringComparison.Ordinal))
        {
            return;
        }

        await context.PublishAsync(new PaymentRefunded(e.OrderId, PaymentId(e.OrderId)), cancellationToken: cancellationToken);
    }

    private static string PaymentId(string orderId) => "pay-" + orderId;
}

/// <summary>The inventory service: reserves unless the order id starts with "noinv-".</summary>
public sealed class InventoryParticipant : IEventHandler<InventoryReserveRequested>
{
    public async Task HandleAsync(InventoryReserveRequested e, EventContext context, CancellationToken cancellationToken)
    {
        object outcome = e.OrderId.StartsWith("noinv-", StringComparison.Ordinal)
            ? new InventoryReserveFailed(e.OrderId, "out of stock")
            : new InventoryReserved(e.OrderId, "res-" + e.OrderId);
        if (outcome is InventoryReserved reserved)
        {
            await context.PublishAsync(reserved, cancellationToken: cancellationToken);
        }
        else
        {
            await context.PublishAsync((InventoryReserveFailed)outcome, cancellationToken: cancellationToken);
        }
    }
}
