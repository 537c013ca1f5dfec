namespace Herald.Sagas;

/// <summary>One instance in a list: where it stands, without its data and history.</summary>
/// <param name="Type">The saga type's name.</param>
/// <param name="Id">The instance id.</param>
/// <param name="Step">Its current step.</param>
/// <param name="Version">Committed state changes.</param>
/// <param name="CreatedAt">When it started.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="CompletedAt">When it reached a final step; null while running.</param>
/// <param name="NextTimeoutAt">When its earliest pending timeout fires.</param>
/// <param name="ExpectedEvents">The events its step has transitions for.</param>
public sealed record SagaSummary(
    string Type,
    string Id,
    string Step,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? NextTimeoutAt,
    IReadOnlyList<string> ExpectedEvents)
{
    public bool IsCompleted => CompletedAt is not null;
}
