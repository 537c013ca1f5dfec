namespace Herald.Sagas;

/// <summary>Completes a <c>StartedBy</c> declaration.</summary>
public sealed class SagaStartBuilder<TStep>
    where TStep : struct, Enum
{
    private readonly SagaTransitionDraft<TStep> _draft;

    internal SagaStartBuilder(SagaTransitionDraft<TStep> draft) => _draft = draft;

    /// <summary>
    /// The steps the handler may return. Required: the definition is a table the diagram, the expected events and the
    /// checks are built from, and a handler that returns another step fails with <see cref="SagaDefinitionException"/>.
    /// </summary>
    public SagaStartBuilder<TStep> To(params TStep[] steps)
    {
        _draft.AddTargets(steps);
        return this;
    }
}
