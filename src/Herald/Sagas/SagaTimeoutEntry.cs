namespace Herald.Sagas;

/// <summary>One <c>herald_saga_timeout</c> row.</summary>
/// <param name="Token">Its id; a step that fires it records the token as the history entry's event id.</param>
/// <param name="Type">The saga type's name.</param>
/// <param name="Id">The instance id.</param>
/// <param name="TimeoutType">The timeout event's type name.</param>
/// <param name="DueAt">When it fires.</param>
/// <param name="Payload">The timeout event as JSON.</param>
/// <param name="ScheduledAt">When the step that scheduled it committed.</param>
/// <param name="FiredAt">When it was delivered to the instance.</param>
/// <param name="CancelledAt">When it was cancelled or superseded (or found its instance gone).</param>
/// <param name="FailedAt">When delivering it failed for the last allowed time.</param>
/// <param name="Attempts">Failed deliveries so far.</param>
/// <param name="LastError">The last delivery failure.</param>
public sealed record SagaTimeoutEntry(
    Guid Token,
    string Type,
    string Id,
    string TimeoutType,
    DateTimeOffset DueAt,
    string Payload,
    DateTimeOffset ScheduledAt,
    DateTimeOffset? FiredAt,
    DateTimeOffset? CancelledAt,
    DateTimeOffset? FailedAt,
    int Attempts,
    string? LastError)
{
    /// <summary>Neither fired, cancelled nor failed.</summary>
    public bool IsPending => FiredAt is null && CancelledAt is null && FailedAt is null;
}
