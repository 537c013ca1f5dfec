namespace Herald.Contracts;

/// <summary>The Kafka header names that carry an event's envelope.</summary>
public static class EnvelopeHeaders
{
    /// <summary>A UUIDv7, unique per event; the inbox de-duplicates on it.</summary>
    public const string EventId = "event_id";
    public const string EventType = "event_type";
    public const string EventVersion = "event_version";

    /// <summary>When the fact happened, ISO 8601 UTC.</summary>
    public const string OccurredAt = "occurred_at";

    /// <summary>Shared by every event of one business flow.</summary>
    public const string CorrelationId = "correlation_id";

    /// <summary>The event id of the event that caused this one.</summary>
    public const string CausationId = "causation_id";
}
