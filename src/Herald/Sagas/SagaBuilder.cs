namespace Herald.Sagas;

/// <summary>
/// Declares a saga in <see cref="SagaDefinition{TState, TStep}.Configure"/>: its name, how events find their instance,
/// which events start it, what each step does with each event, its timeouts, final steps and policies.
/// </summary>
/// <typeparam name="TState">The instance's state.</typeparam>
/// <typeparam name="TStep">The enum of steps.</typeparam>
public sealed class SagaBuilder<TState, TStep>
    where TState : SagaState<TStep>, new()
    where TStep : struct, Enum
{
    internal SagaBuilder()
    {
    }

    internal string? SagaName { get; private set; }

    internal string? CorrelationProperty { get; private set; }

    internal Dictionary<Type, Func<object, object?>> Correlations { get; } = [];

    /// <summary>Declared timeout types and their default delays.</summary>
    internal Dictionary<Type, TimeSpan?> Timeouts { get; } = [];

    internal List<SagaTransitionDraft<TStep>> Transitions { get; } = [];

    /// <summary>Steps × event types dropped without history; a null event type means every event.</summary>
    internal List<(TStep Step, Type? EventType)> Ignored { get; } = [];

    internal HashSet<TStep> FinalSteps { get; } = [];

    internal TimeSpan? Retention { get; set; }

    internal Missing DefaultMissing { get; private set; } = Missing.Discard;

    internal Dictionary<Type, Missing> MissingByEvent { get; } = [];

    internal Unexpected DefaultUnexpected { get; private set; } = Unexpected.Record;

    internal Dictionary<Type, Unexpected> UnexpectedByEvent { get; } = [];

    /// <summary>
    /// The saga type's name: the <c>type</c> column of its rows and what <c>herald sagas</c> shows, e.g.
    /// <c>order-fulfilment</c> (letters, digits, <c>.</c>, <c>_</c> and <c>-</c>). Default: the definition's class name.
    /// </summary>
    public SagaBuilder<TState, TStep> Name(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        SagaName = name;
        return this;
    }

    /// <summary>Finds the instance of a <typeparamref name="TEvent"/> by the value <paramref name="correlationId"/> returns (e.g. <c>e =&gt; e.OrderId</c>).</summary>
    /// <remarks>Takes precedence over <see cref="CorrelateAllBy"/>. Guids are stored in <c>D</c> format, other values in invariant culture.</remarks>
    public SagaBuilder<TState, TStep> CorrelateBy<TEvent>(Func<TEvent, object?> correlationId)
    {
        ArgumentNullException.ThrowIfNull(correlationId);
        Correlations[typeof(TEvent)] = e => correlationId((TEvent)e);
        return this;
    }

    /// <summary>
    /// Finds the instance of every event by its property <paramref name="propertyName"/> (e.g. <c>"OrderId"</c>), which
    /// the contracts carry — and which is best also their partition key, so one instance's events arrive in order.
    /// </summary>
    public SagaBuilder<TState, TStep> CorrelateAllBy(string propertyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        CorrelationProperty = propertyName;
        return this;
    }

    /// <summary>
    /// Declares <typeparamref name="TTimeout"/> as a timeout the saga schedules for itself with
    /// <see cref="SagaContext.ScheduleTimeout{TTimeout}"/>: it is never read from a topic and needs no correlation; handle it
    /// with <c>During(...).On&lt;TTimeout&gt;(...)</c> like any event.
    /// </summary>
    /// <param name="defaultDelay">The delay when <c>ScheduleTimeout</c> is given none.</param>
    public SagaBuilder<TState, TStep> Timeout<TTimeout>(TimeSpan? defaultDelay = null)
    {
        if (defaultDelay is { } delay && delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(defaultDelay), delay, "a timeout's delay cannot be negative");
        }

        Timeouts[typeof(TTimeout)] = defaultDelay;
        return this;
    }

    /// <summary>
    /// A <typeparamref name="TEvent"/> with no instance creates one and runs <paramref name="handler"/> on its fresh state;
    /// the handler returns the first step. Declare the steps it may return with <c>.To(...)</c>.
    /// </summary>
    public SagaStartBuilder<TStep> StartedBy<TEvent>(Func<TState, TEvent, SagaContext, TStep> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Start<TEvent>((s, e, c, _) => ValueTask.FromResult(handler((TState)s, (TEvent)e, c)));
    }

    /// <summary>The asynchronous form of <see cref="StartedBy{TEvent}(Func{TState, TEvent, SagaContext, TStep})"/>.</summary>
    public SagaStartBuilder<TStep> StartedBy<TEvent>(Func<TState, TEvent, SagaContext, CancellationToken, ValueTask<TStep>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Start<TEvent>((s, e, c, ct) => handler((TState)s, (TEvent)e, c, ct));
    }

    /// <summary>What the instance does with events while in one of <paramref name="steps"/>.</summary>
    public SagaStepBuilder<TState, TStep> During(params TStep[] steps)
    {
        if (steps is null || steps.Length == 0)
        {
            throw new ArgumentException("name at least one step", nameof(steps));
        }

        return new SagaStepBuilder<TState, TStep>(this, [.. steps.Distinct()]);
    }

    /// <summary>
    /// Marks <paramref name="steps"/> as final: the instance is complete (<c>completed_at</c> set, pending timeouts
    /// cancelled), and a later event gets a <c>late</c> history entry without a change, unless the step ignores it.
    /// </summary>
    public SagaFinalBuilder Finally(params TStep[] steps)
    {
        if (steps is null || steps.Length == 0)
        {
            throw new ArgumentException("name at least one step", nameof(steps));
        }

        FinalSteps.UnionWith(steps);
        return new SagaFinalBuilder(retention => Retention = retention);
    }

    /// <summary>What every event that does not start the saga does when it finds no instance. Default <see cref="Missing.Discard"/>.</summary>
    public SagaBuilder<TState, TStep> OnMissingInstance(Missing policy)
    {
        DefaultMissing = policy;
        return this;
    }

    /// <summary>What a <typeparamref name="TEvent"/> that finds no instance does; overrides <see cref="OnMissingInstance(Missing)"/>.</summary>
    public SagaBuilder<TState, TStep> OnMissingInstance<TEvent>(Missing policy)
    {
        MissingByEvent[typeof(TEvent)] = policy;
        return this;
    }

    /// <summary>What every event does in a non-final step that has no transition for it. Default <see cref="Unexpected.Record"/>.</summary>
    public SagaBuilder<TState, TStep> OnUnexpected(Unexpected policy)
    {
        DefaultUnexpected = policy;
        return this;
    }

    /// <summary>What a <typeparamref name="TEvent"/> does in a non-final step without a transition for it; overrides <see cref="OnUnexpected(Unexpected)"/>.</summary>
    public SagaBuilder<TState, TStep> OnUnexpected<TEvent>(Unexpected policy)
    {
        UnexpectedByEvent[typeof(TEvent)] = policy;
        return this;
    }

    private SagaStartBuilder<TStep> Start<TEvent>(Func<object, object, SagaContext, CancellationToken, ValueTask<TStep>> handler)
    {
        var draft = new SagaTransitionDraft<TStep>(from: null, typeof(TEvent), handler);
        Transitions.Add(draft);
        return new SagaStartBuilder<TStep>(draft);
    }
}
