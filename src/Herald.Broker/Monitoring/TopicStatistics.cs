namespace Herald.Broker.Monitoring;

/// <summary>A topic's traffic since the broker started: records and bytes appended and served.</summary>
/// <remarks>The produce and fetch paths only add to these counters; gauges are read from the logs when scraped.</remarks>
public sealed class TopicStatistics
{
    private long _messagesIn;
    private long _bytesIn;
    private long _messagesOut;
    private long _bytesOut;

    /// <summary>Records appended.</summary>
    public long MessagesIn => Interlocked.Read(ref _messagesIn);

    /// <summary>Record batch bytes appended.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Records served by fetches (at or after each fetch's offset).</summary>
    public long MessagesOut => Interlocked.Read(ref _messagesOut);

    /// <summary>Record batch bytes served by fetches.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    internal void AddIn(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesIn, messages);
        Interlocked.Add(ref _bytesIn, bytes);
    }

    internal void AddOut(long messages, long bytes)
    {
        Interlocked.Add(ref _messagesOut, messages);
        Interlocked.Add(ref _bytesOut, bytes);
    }
}
