using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.Cdc.Model;
using Herald.Cdc.Transforms;
using Herald.Contracts;
using Herald.Publishing;

namespace Herald.Cdc.BusinessEvents;

/// <summary>
/// Publishes the facts of <see cref="BusinessEventRules"/> as Herald events: each becomes a record in the SDK's
/// envelope (JSON payload; <c>event_id</c>, <c>event_type</c>, <c>event_version</c>, <c>occurred_at</c>,
/// <c>correlation_id</c> headers; keyed by the contract's <c>[PartitionKey]</c>) that Herald's consumer host reads like
/// any event published with <see cref="IEventPublisher"/>.
/// </summary>
/// <remarks>
/// <para>Why a transform and not <see cref="IEventPublisher"/>: the records go out through the connector's own
/// producer, in change order, and the replication slot is confirmed only after the broker acknowledged them, so a
/// fact is never lost between the database and the bus. <see cref="IEventPublisher"/> gives every publish a fresh
/// UUIDv7, which would turn each redelivered change into a new event; here the id is derived from the change's log
/// position (<see cref="DeterministicEventId"/>), so a change captured twice after a restart yields the same
/// <c>event_id</c> and the consumer inbox handles it once.</para>
/// <para>Combine it with the row stream using <see cref="CompositeTransform"/>. Changes no rule matches produce nothing.
/// <c>occurred_at</c> is the commit time; <c>correlation_id</c> is shared by the facts of one database transaction;
/// hot-key buckets are not applied (a fact's key is its entity).</para>
/// </remarks>
public sealed class BusinessEventTransform : IChangeTransform
{
    private readonly BusinessEventRules _rules;
    private readonly EventContracts _contracts;
    private readonly HeraldOptions? _options;

    /// <summary>Creates the transform and checks that every rule's events have a topic.</summary>
    /// <param name="rules">The rules.</param>
    /// <param name="contracts">The application's contracts (a new registry when null).</param>
    /// <param name="options">SDK options, for <see cref="HeraldOptions.TopicsByContract"/> and unkeyed topics; optional.</param>
    /// <exception cref="InvalidOperationException">A rule's event type has no topic.</exception>
    public BusinessEventTransform(BusinessEventRules rules, EventContracts? contracts = null, HeraldOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _contracts = contracts ?? new EventContracts();
        _options = options;
        foreach (var rule in rules.Rules)
        {
            _ = TopicOf(rule.EventType, rule.Topic, rule.Name);
        }
    }

    /// <inheritdoc />
    /// <remarks>The <paramref name="topic"/> of the row stream is not used: facts go to their contract's topic.</remarks>
    public IReadOnlyList<CdcRecord> Apply(ChangeEvent change, string topic)
    {
        var events = _rules.Evaluate(change);
        if (events.Count == 0)
        {
            return [];
        }

        var records = new CdcRecord[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            records[i] = ToRecord(events[i]);
        }

        return records;
    }

    /// <summary>The record for one fact: key, JSON payload and Herald envelope headers.</summary>
    /// <param name="businessEvent">The fact.</param>
    /// <exception cref="UnkeyedEventException">The event has no key and its topic is not configured as unkeyed.</exception>
    public CdcRecord ToRecord(BusinessEvent businessEvent)
    {
        ArgumentNullException.ThrowIfNull(businessEvent);
        var type = businessEvent.Event.GetType();
        var contract = _contracts.Get(type);
        var topic = TopicOf(type, businessEvent.Topic, businessEvent.RuleName);
        var key = contract.KeyOf(businessEvent.Event);
        if (key is null && _options?.Topics.GetValueOrDefault(topic)?.AllowUnkeyed != true)
        {
            throw new UnkeyedEventException(
                $"{type.Name} from rule '{businessEvent.RuleName}' has no key, and topic '{topic}' keeps per-key order; mark the entity id with [PartitionKey]");
        }

        List<KeyValuePair<string, string>> headers =
        [
            new(EnvelopeHeaders.EventId, businessEvent.EventId.ToString()),
            new(EnvelopeHeaders.EventType, contract.EventType),
            new(EnvelopeHeaders.EventVersion, contract.Version.ToString(CultureInfo.InvariantCulture)),
            new(EnvelopeHeaders.OccurredAt, businessEvent.OccurredAt.ToString("O", CultureInfo.InvariantCulture)),
            new(EnvelopeHeaders.CorrelationId, businessEvent.CorrelationId),
        ];
        var payload = JsonSerializer.SerializeToUtf8Bytes(businessEvent.Event, type, ContractSchema.DefaultSerializerOptions);
        return new CdcRecord(topic, key is null ? null : Encoding.UTF8.GetBytes(key), payload, headers, businessEvent.Change.Source.Lsn);
    }

    private string TopicOf(Type eventType, string? ruleTopic, string ruleName) =>
        ruleTopic
        ?? _options?.TopicsByContract.GetValueOrDefault(eventType)
        ?? _contracts.Get(eventType).Topic
        ?? throw new InvalidOperationException(
            $"rule '{ruleName}' emits {eventType.Name}, which has no topic: use .ToTopic(\"...\"), [EventContract(Topic = \"...\")] or options.Topic<{eventType.Name}>(\"...\")");
}
