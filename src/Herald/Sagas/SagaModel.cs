using System.Globalization;
using System.Text.Json;
using Herald.Contracts;

namespace Herald.Sagas;

/// <summary>A saga definition checked and compiled into lookup tables; state and step handling is left to the typed subclass.</summary>
internal abstract class SagaModel
{
    /// <summary>How long completed instances are kept when <c>Finally(...).RetainFor</c> does not say.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    private readonly Dictionary<(string? Step, Type EventType), SagaTransitionModel> _transitions = [];
    private readonly Dictionary<string, IReadOnlyList<string>> _expected = new(StringComparer.Ordinal);

    protected SagaModel(SagaModelParts parts)
    {
        Name = parts.Name;
        Steps = parts.Steps;
        FinalSteps = parts.FinalSteps;
        Retention = parts.Retention;
        TimeoutDelays = parts.TimeoutDelays;
        TransitionList = parts.Transitions;
        Correlations = parts.Correlations;
        Ignored = parts.Ignored;
        DefaultMissing = parts.DefaultMissing;
        MissingByEvent = parts.MissingByEvent;
        DefaultUnexpected = parts.DefaultUnexpected;
        UnexpectedByEvent = parts.UnexpectedByEvent;
        EventNames = parts.EventNames;
        TimeoutTypesByName = parts.TimeoutDelays.Keys.ToDictionary(t => parts.EventNames[t], StringComparer.Ordinal);
        foreach (var transition in parts.Transitions)
        {
            foreach (var step in transition.From ?? [null!])
            {
                _transitions[(step, transition.EventType)] = transition;
            }
        }

        foreach (var step in Steps)
        {
            _expected[step] = FinalSteps.Contains(step) ? [] : [.. parts.Transitions
                .Where(t => t.From is not null && t.From.Contains(step))
                .Select(t => t.EventName)
                .Distinct()];
        }

        ConsumedEventTypes = [.. parts.Transitions.Select(t => t.EventType)
            .Concat(parts.Ignored.Select(i => i.EventType).OfType<Type>())
            .Concat(parts.MissingByEvent.Keys)
            .Concat(parts.UnexpectedByEvent.Keys)
            .Where(t => !parts.TimeoutDelays.ContainsKey(t))
            .Distinct()];
    }

    public string Name { get; }

    /// <summary>Every step name, in the enum's order.</summary>
    public IReadOnlyList<string> Steps { get; }

    public IReadOnlySet<string> FinalSteps { get; }

    public TimeSpan Retention { get; }

    public IReadOnlyList<SagaTransitionModel> TransitionList { get; }

    /// <summary>The event types read from topics (timeouts excluded).</summary>
    public IReadOnlyList<Type> ConsumedEventTypes { get; }

    public IReadOnlyDictionary<Type, string> EventNames { get; }

    public IReadOnlyDictionary<Type, TimeSpan?> TimeoutDelays { get; }

    public IReadOnlyDictionary<string, Type> TimeoutTypesByName { get; }

    private IReadOnlyDictionary<Type, Func<object, object?>> Correlations { get; }

    private IReadOnlySet<(string Step, Type? EventType)> Ignored { get; }

    private Missing DefaultMissing { get; }

    private IReadOnlyDictionary<Type, Missing> MissingByEvent { get; }

    private Unexpected DefaultUnexpected { get; }

    private IReadOnlyDictionary<Type, Unexpected> UnexpectedByEvent { get; }

    /// <summary>The instance id <paramref name="event"/> belongs to, or null when its correlation value is null.</summary>
    public string? CorrelationIdOf(object @event) => Correlations[@event.GetType()](@event) switch
    {
        null => null,
        Guid guid => guid.ToString("D"),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        var value => value.ToString(),
    };

    public bool Correlates(Type eventType) => Correlations.ContainsKey(eventType);

    public string EventNameOf(Type eventType) => EventNames.TryGetValue(eventType, out var name) ? name : EventContract.For(eventType).EventType;

    public SagaTransitionModel? StartFor(Type eventType) => _transitions.GetValueOrDefault((null, eventType));

    public SagaTransitionModel? TransitionFor(string step, Type eventType) => _transitions.GetValueOrDefault((step, eventType));

    /// <summary>Whether the step drops the event without history (<c>Ignore&lt;T&gt;()</c> or <c>IgnoreAll()</c>).</summary>
    public bool Ignores(string step, Type eventType) => Ignored.Contains((step, eventType)) || Ignored.Contains((step, null));

    public bool IsFinal(string step) => FinalSteps.Contains(step);

    public Missing MissingFor(Type eventType) => MissingByEvent.GetValueOrDefault(eventType, DefaultMissing);

    public Unexpected UnexpectedFor(Type eventType) => UnexpectedByEvent.GetValueOrDefault(eventType, DefaultUnexpected);

    /// <summary>The events a step has transitions for (none for a final step).</summary>
    public IReadOnlyList<string> ExpectedEvents(string step) =>
        _expected.TryGetValue(step, out var expected) ? expected : throw new ArgumentException($"saga {Name} has no step '{step}'", nameof(step));

    /// <summary>A new instance's state, before its starting handler runs.</summary>
    public abstract object NewState(string id, DateTimeOffset now);

    /// <summary>The state stored in <paramref name="record"/>, with the engine's columns set.</summary>
    public abstract object Load(SagaRecord record);

    public abstract string Serialize(object state);

    /// <summary>Sets the columns the engine owns on a state after a committed change.</summary>
    public abstract void Stamp(object state, string step, long version, DateTimeOffset updatedAt);

    public static string SerializeEvent(object @event) => JsonSerializer.Serialize(@event, @event.GetType(), ContractSchema.DefaultSerializerOptions);

    public static object DeserializeEvent(string payload, Type type) =>
        JsonSerializer.Deserialize(payload, type, ContractSchema.DefaultSerializerOptions) ?? throw new JsonException("the payload is JSON null");
}

/// <summary>What <see cref="SagaModel"/>'s constructor takes, checked by <c>Compile</c> of the typed model.</summary>
internal sealed record SagaModelParts(
    string Name,
    IReadOnlyList<string> Steps,
    IReadOnlySet<string> FinalSteps,
    TimeSpan Retention,
    IReadOnlyDictionary<Type, TimeSpan?> TimeoutDelays,
    IReadOnlyList<SagaTransitionModel> Transitions,
    IReadOnlyDictionary<Type, Func<object, object?>> Correlations,
    IReadOnlySet<(string Step, Type? EventType)> Ignored,
    Missing DefaultMissing,
    IReadOnlyDictionary<Type, Missing> MissingByEvent,
    Unexpected DefaultUnexpected,
    IReadOnlyDictionary<Type, Unexpected> UnexpectedByEvent,
    IReadOnlyDictionary<Type, string> EventNames);
