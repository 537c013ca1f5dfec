using Herald.Contracts;

namespace Orders.Contracts;

// Every event of the order flow is keyed by OrderId: one order's events land on one partition of one topic
// (OrderFlow.DefaultTopic), so each service sees them in the order they were published.

/// <summary>One line of an order.</summary>
/// <param name="Sku">The stock keeping unit, e.g. <c>widget</c>.</param>
/// <param name="Quantity">How many; more than zero.</param>
public sealed record OrderLine(string Sku, int Quantity);

/// <summary>The order service accepted an order (written with the order row, through the outbox). Starts the order saga.</summary>
public sealed record OrderCreated([property: PartitionKey] Guid OrderId, string CustomerId, decimal Amount, IReadOnlyList<OrderLine> Lines);

/// <summary>The saga asks the payment service to charge the order.</summary>
public sealed record PaymentRequested([property: PartitionKey] Guid OrderId, decimal Amount);

/// <summary>The payment service charged the order once; <paramref name="PaymentId"/> names the charge.</summary>
public sealed record PaymentCompleted([property: PartitionKey] Guid OrderId, string PaymentId, decimal Amount);

/// <summary>The payment service declined the charge; nothing was charged.</summary>
public sealed record PaymentFailed([property: PartitionKey] Guid OrderId, string Reason);

/// <summary>The saga asks the inventory service to reserve the order's lines.</summary>
public sealed record InventoryReserveRequested([property: PartitionKey] Guid OrderId, IReadOnlyList<OrderLine> Lines);

/// <summary>The inventory service reserved every line.</summary>
public sealed record InventoryReserved([property: PartitionKey] Guid OrderId, string ReservationId);

/// <summary>The inventory service reserved nothing (stock short, or told to fail).</summary>
public sealed record InventoryReserveFailed([property: PartitionKey] Guid OrderId, string Reason);

/// <summary>The order was completed: paid and reserved.</summary>
public sealed record OrderCompleted([property: PartitionKey] Guid OrderId, string PaymentId, string ReservationId);

/// <summary>The saga gave up on the order; the payment and inventory services undo what they did for it.</summary>
public sealed record OrderCancelled([property: PartitionKey] Guid OrderId, string Reason);

/// <summary>Compensation: the payment service refunded the order's charge.</summary>
public sealed record PaymentRefunded([property: PartitionKey] Guid OrderId, string PaymentId, decimal Amount);

/// <summary>Compensation: the inventory service put a cancelled order's reserved stock back.</summary>
public sealed record InventoryReleased([property: PartitionKey] Guid OrderId, string ReservationId);
