namespace Herald.EventStore.Forwarding;

/// <summary>
/// The Kafka headers a forwarded (or replayed) event carries besides the SDK's envelope headers
/// (<see cref="Herald.Contracts.EnvelopeHeaders"/>): where the event sits in the event store.
/// </summary>
public static class ForwardingHeaders
{
    /// <summary>The stream the event belongs to (also the record key).</summary>
    public const string StreamId = "stream_id";

    /// <summary>The event's version in its stream, from 1, as decimal text.</summary>
    public const string StreamVersion = "stream_version";

    /// <summary>The event's position in the store's global feed, as decimal text.</summary>
    public const string GlobalPosition = "global_position";
}
