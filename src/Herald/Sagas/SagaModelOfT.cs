using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Sagas;

/// <summary>The compiled model of one <see cref="SagaDefinition{TState, TStep}"/>: typed state and step handling.</summary>
internal sealed class SagaModel<TState, TStep> : SagaModel
    where TState : SagaState<TStep>, new()
    where TStep : struct, Enum
{
    /// <summary>State data as JSON: camelCase, enums as names (readable in <c>herald sagas show</c> and stable when enums are reordered).</summary>
    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private SagaModel(SagaModelParts parts)
        : base(parts)
    {
    }

    public override object NewState(string id, DateTimeOffset now) =>
        new TState { Id = id, Version = 0, CreatedAt = now, UpdatedAt = now };

    public override object Load(SagaRecord record)
    {
        var state = JsonSerializer.Deserialize<TState>(record.Data, StateJson) ?? new TState();
        state.Id = record.Id;
        state.Step = ParseStep(record.Step);
        state.Version = record.Version;
        state.CreatedAt = record.CreatedAt;
        state.UpdatedAt = record.UpdatedAt;
        return state;
    }

    public override string Serialize(object state) => JsonSerializer.Serialize((TState)state, StateJson);

    public override void Stamp(object state, string step, long version, DateTimeOffset updatedAt)
    {
        var typed = (TState)state;
        typed.Step = ParseStep(step);
        typed.Version = version;
        typed.UpdatedAt = updatedAt;
    }

    private TStep ParseStep(string step) => Enum.TryParse<TStep>(step, ignoreCase: false, out var value) && Enum.IsDefined(value)
        ? value
        : throw new SagaDefinitionException($"saga {Name} has no step '{step}' (stored in the database); was {typeof(TStep).Name} renamed? Rename the stored steps too");

    /// <summary>Checks what <paramref name="builder"/> collected and compiles it; every mistake is a <see cref="SagaDefinitionException"/> naming the fix.</summary>
    public static SagaModel<TState, TStep> Compile(SagaBuilder<TState, TStep> builder, string defaultName)
    {
        var name = builder.SagaName ?? defaultName;
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            throw new SagaDefinitionException($"saga name '{name}' may only hold letters, digits, '.', '_' and '-'");
        }

        SagaDefinitionException Error(string message) => new($"saga {name}: {message}");
        var starts = builder.Transitions.Where(t => t.From is null).ToList();
        if (starts.Count == 0)
        {
            throw Error("no event starts it; declare one with StartedBy<TEvent>(...)");
        }

        var eventTypes = builder.Transitions.Select(t => t.EventType)
            .Concat(builder.Timeouts.Keys)
            .Concat(builder.Ignored.Select(i => i.EventType).OfType<Type>())
            .Concat(builder.MissingByEvent.Keys)
            .Concat(builder.UnexpectedByEvent.Keys)
            .Distinct()
            .ToList();
        var eventNames = eventTypes.ToDictionary(t => t, t => Herald.Contracts.EventContract.For(t).EventType);
        foreach (var clash in eventNames.GroupBy(p => p.Value, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw Error($"event types {string.Join(" and ", clash.Select(p => p.Key.FullName))} share the name '{clash.Key}'; give one another name with [EventContract(\"...\")]");
        }

        var correlations = new Dictionary<Type, Func<object, object?>>();
        foreach (var type in eventTypes.Where(t => !builder.Timeouts.ContainsKey(t)))
        {
            if (builder.Correlations.TryGetValue(type, out var explicitly))
            {
                correlations[type] = explicitly;
            }
            else if (builder.CorrelationProperty is { } property
                && type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is { CanRead: true } getter)
            {
                correlations[type] = getter.GetValue;
            }
            else
            {
                throw Error(builder.CorrelationProperty is { } missing
                    ? $"{type.Name} has no public property '{missing}' to correlate by; add CorrelateBy<{type.Name}>(e => ...)"
                    : $"nothing says which instance a {type.Name} belongs to; add CorrelateAllBy(\"OrderId\") or CorrelateBy<{type.Name}>(e => e.OrderId)");
            }
        }

        var seen = new HashSet<(TStep?, Type)>();
        var transitions = new List<SagaTransitionModel>();
        foreach (var draft in builder.Transitions)
        {
            var where = draft.From is null ? $"StartedBy<{draft.EventType.Name}>" : $"During({string.Join(", ", draft.From)}).On<{draft.EventType.Name}>";
            if (draft.To.Count == 0)
            {
                throw Error($"{where} does not declare the steps it goes to; add .To({typeof(TStep).Name}.…)");
            }

            foreach (var from in draft.From?.Select(s => (TStep?)s) ?? [null])
            {
                if (!seen.Add((from, draft.EventType)))
                {
                    throw Error(from is null
                        ? $"StartedBy<{draft.EventType.Name}> is declared twice"
                        : $"step {from} has two transitions for {draft.EventType.Name}");
                }

                if (from is { } step && builder.FinalSteps.Contains(step))
                {
                    throw Error($"{where}: {step} is a final step; a final step has no transitions (late events are recorded or ignored)");
                }

                if (from is { } ignoring && builder.Ignored.Contains((ignoring, draft.EventType)))
                {
                    throw Error($"step {ignoring} both handles and ignores {draft.EventType.Name}");
                }
            }

            if (draft.From is null && builder.Timeouts.ContainsKey(draft.EventType))
            {
                throw Error($"timeout {draft.EventType.Name} cannot start the saga: timeouts belong to an instance");
            }

            var handler = draft.Handler;
            transitions.Add(new SagaTransitionModel
            {
                From = draft.From?.Select(s => s.ToString()).ToList(),
                EventType = draft.EventType,
                EventName = eventNames[draft.EventType],
                To = draft.To.Select(s => s.ToString()).ToHashSet(StringComparer.Ordinal),
                Compensates = draft.Compensates,
                IsTimeout = builder.Timeouts.ContainsKey(draft.EventType),
                Handler = async (state, @event, context, cancellationToken) => (await handler(state, @event, context, cancellationToken).ConfigureAwait(false)).ToString(),
            });
        }

        return new SagaModel<TState, TStep>(new SagaModelParts(
            name,
            [.. Enum.GetValues<TStep>().Select(s => s.ToString()).Distinct()],
            builder.FinalSteps.Select(s => s.ToString()).ToHashSet(StringComparer.Ordinal),
            builder.Retention ?? DefaultRetention,
            builder.Timeouts,
            transitions,
            correlations,
            builder.Ignored.Select(i => (i.Step.ToString(), i.EventType)).ToHashSet(),
            builder.DefaultMissing,
            builder.MissingByEvent,
            builder.DefaultUnexpected,
            builder.UnexpectedByEvent,
            eventNames));
    }
}
