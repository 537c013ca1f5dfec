using Herald;

namespace Orders.Contracts;

/// <summary>
/// The order flow's topic and its events. One topic for all of them, keyed by order id: an order's events share a
/// partition, so every service sees them in publication order (a cancellation never overtakes the request it undoes
/// on the wire), and each service's consumer group simply skips the events it has no handler for.
/// </summary>
public static class OrderFlow
{
    public const string DefaultTopic = "orders.flow";

    /// <summary>Every event of the flow; each service must know them all to tell "not mine" from "unknown" on the shared topic.</summary>
    public static readonly IReadOnlyList<Type> Events =
    [
        typeof(OrderCreated), typeof(PaymentRequested), typeof(PaymentCompleted), typeof(PaymentFailed),
        typeof(InventoryReserveRequested), typeof(InventoryReserved), typeof(InventoryReserveFailed),
        typeof(OrderCompleted), typeof(OrderCancelled), typeof(PaymentRefunded), typeof(InventoryReleased),
    ];

    /// <summary>Maps every event of the flow to <paramref name="topic"/>.</summary>
    public static HeraldOptionsBuilder UseOrderFlow(this HeraldOptionsBuilder builder, string topic = DefaultTopic) =>
        builder
            .Topic<OrderCreated>(topic).Topic<PaymentRequested>(topic).Topic<PaymentCompleted>(topic).Topic<PaymentFailed>(topic)
            .Topic<InventoryReserveRequested>(topic).Topic<InventoryReserved>(topic).Topic<InventoryReserveFailed>(topic)
            .Topic<OrderCompleted>(topic).Topic<OrderCancelled>(topic).Topic<PaymentRefunded>(topic).Topic<InventoryReleased>(topic);
}
