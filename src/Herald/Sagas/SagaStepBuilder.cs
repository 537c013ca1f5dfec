namespace Herald.Sagas;

/// <summary>
/// What an instance does with events while in the steps given to <c>During</c>: <c>On&lt;TEvent&gt;(handler).To(...)</c>
/// per expected event, optionally <c>.Compensates()</c>; <c>Ignore&lt;TEvent&gt;()</c> or <c>IgnoreAll()</c> for events
/// to drop without history.
/// </summary>
public sealed class SagaStepBuilder<TState, TStep>
    where TState : SagaState<TStep>, new()
    where TStep : struct, Enum
{
    private readonly SagaBuilder<TState, TStep> _saga;
    private readonly TStep[] _steps;
    private SagaTransitionDraft<TStep>? _last;

    internal SagaStepBuilder(SagaBuilder<TState, TStep> saga, TStep[] steps)
    {
        _saga = saga;
        _steps = steps;
    }

    /// <summary>In these steps, a <typeparamref name="TEvent"/> runs <paramref name="handler"/>, which returns the next step.</summary>
    public SagaStepBuilder<TState, TStep> On<TEvent>(Func<TState, TEvent, SagaContext, TStep> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add<TEvent>((s, e, c, _) => ValueTask.FromResult(handler((TState)s, (TEvent)e, c)));
    }

    /// <summary>The asynchronous form of <see cref="On{TEvent}(Func{TState, TEvent, SagaContext, TStep})"/>.</summary>
    public SagaStepBuilder<TState, TStep> On<TEvent>(Func<TState, TEvent, SagaContext, CancellationToken, ValueTask<TStep>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add<TEvent>((s, e, c, ct) => handler((TState)s, (TEvent)e, c, ct));
    }

    /// <summary>
    /// The steps the last <c>On</c> handler may return (required). The diagram and the checks are built from it; a
    /// handler that returns another step fails with <see cref="SagaDefinitionException"/>.
    /// </summary>
    public SagaStepBuilder<TState, TStep> To(params TStep[] steps)
    {
        Last(nameof(To)).AddTargets(steps);
        return this;
    }

    /// <summary>
    /// Marks the last <c>On</c> as a compensation step (it undoes or cancels earlier ones, e.g. publishes
    /// <c>OrderCancelled</c>): its history entries have kind <c>compensation</c> and are reported apart from the forward steps.
    /// </summary>
    public SagaStepBuilder<TState, TStep> Compensates()
    {
        Last(nameof(Compensates)).Compensates = true;
        return this;
    }

    /// <summary>In these steps a <typeparamref name="TEvent"/> is dropped without a history entry (an explicit no-op).</summary>
    public SagaStepBuilder<TState, TStep> Ignore<TEvent>()
    {
        foreach (var step in _steps)
        {
            _saga.Ignored.Add((step, typeof(TEvent)));
        }

        return this;
    }

    /// <summary>
    /// In these steps every event without a transition is dropped without a history entry, e.g.
    /// <c>During(Completed, Cancelled).IgnoreAll()</c> for late events you do not want recorded.
    /// </summary>
    public void IgnoreAll()
    {
        foreach (var step in _steps)
        {
            _saga.Ignored.Add((step, null));
        }
    }

    private SagaStepBuilder<TState, TStep> Add<TEvent>(Func<object, object, SagaContext, CancellationToken, ValueTask<TStep>> handler)
    {
        _last = new SagaTransitionDraft<TStep>(_steps, typeof(TEvent), handler);
        _saga.Transitions.Add(_last);
        return this;
    }

    private SagaTransitionDraft<TStep> Last(string method) =>
        _last ?? throw new InvalidOperationException($"{method}() applies to the On<TEvent>(...) before it; call On first");
}
