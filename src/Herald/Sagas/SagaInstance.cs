namespace Herald.Sagas;

/// <summary>One instance in full: where it stands, its data, its timeouts and its whole history.</summary>
/// <param name="Summary">Step, version, timestamps, next timeout, expected events.</param>
/// <param name="CorrelationId">The correlation id of the flow that started it.</param>
/// <param name="Data">Its data as JSON.</param>
/// <param name="History">Every entry, oldest first.</param>
/// <param name="Timeouts">Every timeout it scheduled, by due time.</param>
public sealed record SagaInstance(SagaSummary Summary, string? CorrelationId, string Data, IReadOnlyList<SagaHistoryEntry> History, IReadOnlyList<SagaTimeoutEntry> Timeouts)
{
    /// <summary>The earliest pending timeout, if any.</summary>
    public SagaTimeoutEntry? NextTimeout => Timeouts.Where(t => t.IsPending).MinBy(t => t.DueAt);

    /// <summary>The forward steps: start, events and timeouts that changed the state.</summary>
    public IReadOnlyList<SagaHistoryEntry> ForwardSteps => [.. History.Where(h => h.IsStateChange && !h.IsCompensation)];

    /// <summary>The compensation steps.</summary>
    public IReadOnlyList<SagaHistoryEntry> CompensationSteps => [.. History.Where(h => h.IsCompensation)];

    /// <summary>Events that changed nothing: ignored in their step, or late after completion.</summary>
    public IReadOnlyList<SagaHistoryEntry> Unchanged => [.. History.Where(h => !h.IsStateChange)];
}
