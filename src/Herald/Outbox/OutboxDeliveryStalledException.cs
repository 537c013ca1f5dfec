namespace Herald.Outbox;

/// <summary>
/// The broker did not acknowledge a batch within <see cref="OutboxRelayOptions.DeliveryTimeout"/>: a failure for the
/// circuit breaker. The rows are not lost; the producer keeps them queued in order.
/// </summary>
public sealed class OutboxDeliveryStalledException : Exception
{
    public OutboxDeliveryStalledException(string message)
        : base(message)
    {
    }
}
