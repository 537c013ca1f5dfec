using System.Globalization;
using System.Text.Json;
using Herald.Contracts;

namespace Herald.Publishing;

/// <summary>
/// Builds the envelope of an outgoing event: a new UUIDv7 <c>event_id</c>, the topic, the key (with the unkeyed and
/// hot-key rules of <see cref="TopicOptions"/>), the envelope headers and the JSON payload.
/// </summary>
/// <remarks>The one place these rules live, so an event published directly and one relayed from the outbox look the same.</remarks>
internal sealed class EnvelopeFactory(HeraldOptions options, EventContracts contracts)
{
    /// <exception cref="UnkeyedEventException">The contract has no key (or it is null) and the topic keeps per-key order.</exception>
    /// <exception cref="InvalidOperationException">No topic is known for the contract.</exception>
    public OutgoingEvent Create(object @event, PublishContext? context)
    {
        var contract = contracts.Get(@event.GetType());
        var topic = context?.Topic ?? options.TopicsByContract.GetValueOrDefault(contract.Type) ?? contract.Topic
            ?? throw new InvalidOperationException($"no topic for {contract.Type.Name}: map it with options.Topic<{contract.Type.Name}>(\"...\") or [EventContract(Topic = \"...\")]");
        var topicOptions = options.TopicOptionsFor(topic);
        var eventId = Guid.CreateVersion7();
        var key = contract.KeyOf(@event);
        if (key is null && !topicOptions.AllowUnkeyed)
        {
            throw new UnkeyedEventException(contract.KeyProperty is null
                ? $"{contract.Type.Name} has no [PartitionKey] property, and topic '{topic}' keeps per-key order. Mark the entity id with [PartitionKey], or configure the topic as unkeyed (ConfigureTopic(\"{topic}\", t => t with {{ AllowUnkeyed = true }})) if order does not matter."
                : $"{contract.Type.Name}.{contract.KeyProperty} is null; its events cannot be ordered per entity on topic '{topic}'.");
        }

        if (key is not null && topicOptions.HotKeyBuckets > 1)
        {
            // Spread one hot entity over N partitions; its events lose their relative order (documented on TopicOptions).
            key = string.Create(CultureInfo.InvariantCulture, $"{key}#{(uint)eventId.GetHashCode() % (uint)topicOptions.HotKeyBuckets}");
        }

        var correlationId = context?.CorrelationId ?? eventId.ToString();
        var headers = new List<KeyValuePair<string, string>>(6)
        {
            new(EnvelopeHeaders.EventId, eventId.ToString()),
            new(EnvelopeHeaders.EventType, contract.EventType),
            new(EnvelopeHeaders.EventVersion, contract.Version.ToString(CultureInfo.InvariantCulture)),
            new(EnvelopeHeaders.OccurredAt, (context?.OccurredAt ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture)),
            new(EnvelopeHeaders.CorrelationId, correlationId),
        };
        if (context?.CausationId is { } causation)
        {
            headers.Add(new(EnvelopeHeaders.CausationId, causation));
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), ContractSchema.DefaultSerializerOptions);
        return new OutgoingEvent(eventId, topic, key, contract, correlationId, headers, payload);
    }
}
