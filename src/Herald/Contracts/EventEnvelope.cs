namespace Herald.Contracts;

/// <summary>What travels with every event besides its payload.</summary>
public sealed record EventEnvelope(
    Guid EventId,
    string EventType,
    int EventVersion,
    DateTimeOffset OccurredAt,
    string? CorrelationId,
    string? CausationId,
    string? Key);
