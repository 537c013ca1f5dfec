namespace Herald.Sagas;

/// <summary>
/// Everything one saga step writes, saved by <see cref="ISagaStore.SaveAsync"/> in the step's transaction: the new state
/// (if it changed), one history entry, timeout changes, and the timeout that fired (if a timeout triggered it).
/// </summary>
/// <param name="Type">The saga type's name.</param>
/// <param name="Id">The instance id.</param>
public sealed record SagaChange(string Type, string Id)
{
    /// <summary>The entry to append (its <see cref="SagaHistoryEntry.Seq"/> is assigned by the store); null for an explicitly ignored timeout.</summary>
    public SagaHistoryEntry? History { get; init; }

    /// <summary>The new state; null when the step changed nothing (<c>ignored</c>, <c>late</c>).</summary>
    public SagaStateChange? State { get; init; }

    /// <summary>Timeouts to schedule and cancel, in order.</summary>
    public IReadOnlyList<SagaTimeoutChange> Timeouts { get; init; } = [];

    /// <summary>The token of the timeout that triggered the step: it is marked fired.</summary>
    public Guid? FiredTimeout { get; init; }
}

/// <summary>A saga instance's new state.</summary>
/// <param name="Step">The step it moves to.</param>
/// <param name="Data">Its data as JSON.</param>
/// <param name="ExpectedVersion">The version the step read; 0 creates the instance (a row that exists already is a conflict).</param>
/// <param name="CorrelationId">Stored when the instance is created.</param>
/// <param name="Completed">The step is final: <c>completed_at</c> is set.</param>
/// <param name="ExpectedEvents">The events the new step has transitions for (stored so tools can show them without the definition).</param>
public sealed record SagaStateChange(string Step, string Data, long ExpectedVersion, string? CorrelationId, bool Completed, IReadOnlyList<string> ExpectedEvents);
