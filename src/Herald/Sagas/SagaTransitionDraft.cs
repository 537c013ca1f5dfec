namespace Herald.Sagas;

/// <summary>A transition as the builder collects it, before the definition is checked and compiled.</summary>
internal sealed class SagaTransitionDraft<TStep>
    where TStep : struct, Enum
{
    public SagaTransitionDraft(TStep[]? from, Type eventType, Func<object, object, SagaContext, CancellationToken, ValueTask<TStep>> handler)
    {
        From = from;
        EventType = eventType;
        Handler = handler;
    }

    /// <summary>The steps it leaves; <see langword="null"/> for a start.</summary>
    public TStep[]? From { get; }

    public Type EventType { get; }

    public Func<object, object, SagaContext, CancellationToken, ValueTask<TStep>> Handler { get; }

    public List<TStep> To { get; } = [];

    public bool Compensates { get; set; }

    public void AddTargets(TStep[] steps)
    {
        if (steps is null || steps.Length == 0)
        {
            throw new ArgumentException("name at least one step", nameof(steps));
        }

        foreach (var step in steps)
        {
            if (!To.Contains(step))
            {
                To.Add(step);
            }
        }
    }
}
