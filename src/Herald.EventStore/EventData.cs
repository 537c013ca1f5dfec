namespace Herald.EventStore;

/// <summary>An event to append: its id (for idempotent re-appends), type, schema version and JSON payload.</summary>
/// <param name="EventId">Unique per event; appending an event id already in the stream stores it once.</param>
/// <param name="EventType">The event's type name, e.g. <c>OrderPlaced</c>.</param>
/// <param name="SchemaVersion">The payload's schema version, for upcasting on read. Default 1.</param>
/// <param name="Data">The payload, UTF-8 JSON.</param>
/// <param name="Metadata">Optional UTF-8 JSON metadata (correlation ids and the like).</param>
public sealed record EventData(Guid EventId, string EventType, int SchemaVersion, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte>? Metadata = null);

/// <summary>An event as stored.</summary>
/// <param name="StreamId">The stream it belongs to.</param>
/// <param name="StreamVersion">Its position in the stream, from 1.</param>
/// <param name="GlobalPosition">Its position in the global feed, from 1, increasing in commit order.</param>
/// <param name="EventId">The id it was appended with.</param>
/// <param name="EventType">Its type name.</param>
/// <param name="SchemaVersion">The payload's schema version as stored (before upcasting).</param>
/// <param name="Data">The payload, UTF-8 JSON.</param>
/// <param name="Metadata">The metadata, if any.</param>
/// <param name="RecordedAt">When it was appended.</param>
public sealed record RecordedEvent(
    string StreamId,
    long StreamVersion,
    long GlobalPosition,
    Guid EventId,
    string EventType,
    int SchemaVersion,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte>? Metadata,
    DateTimeOffset RecordedAt);

/// <summary>What an append did.</summary>
/// <param name="StreamVersion">The stream's version after the append: the expected version for the next one.</param>
/// <param name="LastGlobalPosition">The global position of the last event appended (or already there).</param>
public readonly record struct AppendResult(long StreamVersion, long LastGlobalPosition);

/// <summary>Which way to read a stream.</summary>
public enum ReadDirection
{
    Forwards,
    Backwards,
}
