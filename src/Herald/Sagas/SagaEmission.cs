namespace Herald.Sagas;

/// <summary>What a step sent out: an event through the outbox, or a timeout scheduled or cancelled.</summary>
public enum SagaEmissionKind
{
    /// <summary>An event written to the outbox.</summary>
    Event,

    /// <summary>A timeout scheduled (<see cref="SagaEmission.Id"/> is its token).</summary>
    TimeoutScheduled,

    /// <summary>Pending timeouts of a type cancelled (<see cref="SagaEmission.Type"/> is null when all were).</summary>
    TimeoutCancelled,
}

/// <summary>One thing a step emitted, kept in its history entry (the <c>emitted</c> JSON column).</summary>
/// <param name="Kind">Event, timeout scheduled or timeout cancelled.</param>
/// <param name="Type">The event or timeout type's name.</param>
/// <param name="Id">The event's <c>event_id</c>, or the scheduled timeout's token.</param>
/// <param name="DueAt">When a scheduled timeout fires.</param>
public sealed record SagaEmission(SagaEmissionKind Kind, string? Type, Guid? Id = null, DateTimeOffset? DueAt = null);
