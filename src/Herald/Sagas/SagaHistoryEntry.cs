namespace Herald.Sagas;

/// <summary>One entry of an instance's history (<c>herald_saga_history</c>): the event in, the step change, what went out.</summary>
/// <param name="Seq">1, 2, … per instance, in commit order.</param>
/// <param name="At">When the step committed.</param>
/// <param name="Kind">Start, event, timeout, compensation, ignored or late.</param>
/// <param name="EventType">The event's (or timeout's) type name.</param>
/// <param name="EventId">The event's <c>event_id</c>; a timeout's token.</param>
/// <param name="CausationId">The event's <c>causation_id</c>.</param>
/// <param name="Topic">Where the event was read (null for a timeout).</param>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset.</param>
/// <param name="FromStep">The step before (null for a start).</param>
/// <param name="ToStep">The step after (equal to <paramref name="FromStep"/> when nothing changed).</param>
/// <param name="DataBefore">The data before, as JSON (null for a start and when nothing changed).</param>
/// <param name="DataAfter">The data after, as JSON (null when nothing changed).</param>
/// <param name="Emitted">The events published and the timeouts scheduled or cancelled.</param>
public sealed record SagaHistoryEntry(
    long Seq,
    DateTimeOffset At,
    SagaHistoryKind Kind,
    string EventType,
    Guid EventId,
    string? CausationId,
    string? Topic,
    int? Partition,
    long? Offset,
    string? FromStep,
    string? ToStep,
    string? DataBefore,
    string? DataAfter,
    IReadOnlyList<SagaEmission> Emitted)
{
    /// <summary>Whether the entry belongs to the compensation path rather than the forward steps.</summary>
    public bool IsCompensation => Kind == SagaHistoryKind.Compensation;

    /// <summary>Whether the entry changed the instance (start, event, timeout, compensation).</summary>
    public bool IsStateChange => Kind is SagaHistoryKind.Start or SagaHistoryKind.Event or SagaHistoryKind.Timeout or SagaHistoryKind.Compensation;
}
