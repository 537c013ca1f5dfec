namespace Herald.Sagas;

/// <summary>
/// A choreography saga declared as a table of step × event → handler. Derive from
/// <see cref="SagaDefinition{TState, TStep}"/>; this base gives what tools need without the types: the name, the
/// transitions, the expected events per step and a Mermaid diagram.
/// </summary>
public abstract class SagaDefinition
{
    private protected SagaDefinition()
    {
    }

    /// <summary>The saga type's name (the <c>type</c> column), e.g. <c>order-fulfilment</c>.</summary>
    public string Name => Model.Name;

    /// <summary>Every step, in the order of the step enum.</summary>
    public IReadOnlyList<string> Steps => Model.Steps;

    /// <summary>The steps declared with <c>Finally</c>.</summary>
    public IReadOnlyCollection<string> FinalSteps => Model.FinalSteps;

    /// <summary>The table: one entry per (from step, event), starts included (<see cref="SagaTransition.From"/> null).</summary>
    public IReadOnlyList<SagaTransition> Transitions =>
    [
        .. Model.TransitionList.SelectMany(t => (t.From ?? [null!]).Select(from =>
            new SagaTransition(from, t.EventName, [.. Model.Steps.Where(t.To.Contains)], t.Compensates, t.IsTimeout))),
    ];

    /// <summary>The event contracts the saga reads from its topic (its timeouts are not among them).</summary>
    public IReadOnlyList<Type> EventTypes => Model.ConsumedEventTypes;

    /// <summary>How long completed instances are kept (<c>Finally(...).RetainFor</c>; default 30 days).</summary>
    public TimeSpan Retention => Model.Retention;

    internal abstract SagaModel Model { get; }

    /// <summary>The events an instance in <paramref name="step"/> has transitions for; empty for a final step.</summary>
    /// <exception cref="ArgumentException">The saga has no such step.</exception>
    public IReadOnlyList<string> ExpectedEvents(string step) => Model.ExpectedEvents(step);

    /// <summary>
    /// The definition as a Mermaid state diagram (<c>stateDiagram-v2</c>): <c>[*] --&gt; Step : StartEvent</c>, one edge
    /// per (from, event, to), labels marked <c>(timeout)</c> and <c>(compensation)</c>, and <c>Final --&gt; [*]</c>.
    /// </summary>
    public string ToMermaid() => SagaMermaid.Render(this);
}
