namespace Herald.Outbox;

/// <summary>One event as an outbox row stores it: everything the relay needs to produce the record unchanged.</summary>
/// <param name="EventId">The envelope's <c>event_id</c>; stable across relay retries, so consumers' inboxes drop duplicates.</param>
/// <param name="Topic">The topic the relay produces to.</param>
/// <param name="Key">The Kafka key (null for unkeyed topics).</param>
/// <param name="EventType">The envelope's <c>event_type</c>, kept in its own column for status output and CDC.</param>
/// <param name="Payload">The record value (the contract's JSON).</param>
/// <param name="Headers">The record headers: the envelope and, when the enqueue ran in a trace, its <c>traceparent</c>.</param>
public sealed record OutboxMessage(
    Guid EventId,
    string Topic,
    string? Key,
    string EventType,
    ReadOnlyMemory<byte> Payload,
    IReadOnlyList<KeyValuePair<string, string>> Headers);
