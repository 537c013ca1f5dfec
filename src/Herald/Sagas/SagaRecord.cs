namespace Herald.Sagas;

/// <summary>One <c>herald_saga</c> row as the engine loads it.</summary>
/// <param name="Type">The saga type's name.</param>
/// <param name="Id">The instance id (correlation value).</param>
/// <param name="Step">The current step's name.</param>
/// <param name="Data">The state's data as JSON.</param>
/// <param name="Version">Committed state changes; the next change must expect it.</param>
/// <param name="CorrelationId">The <c>correlation_id</c> of the event that started it; events it publishes for timeouts carry it.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="CompletedAt">When it reached a final step.</param>
public sealed record SagaRecord(string Type, string Id, string Step, string Data, long Version, string? CorrelationId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt);
