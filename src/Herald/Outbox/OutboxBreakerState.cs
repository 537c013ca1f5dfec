namespace Herald.Outbox;

/// <summary>The relay's circuit breaker, as the <c>herald.outbox.breaker_state</c> gauge reports it.</summary>
public enum OutboxBreakerState
{
    /// <summary>Publishing normally (0).</summary>
    Closed = 0,

    /// <summary>Trying the broker once after a break (1).</summary>
    HalfOpen = 1,

    /// <summary>The broker is considered down: nothing is published, writes keep committing (2).</summary>
    Open = 2,
}
