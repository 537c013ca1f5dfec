using Herald.Protocol;

namespace Herald.Broker.Log;

/// <summary>Record batches read from a partition. Dispose returns the pooled buffer.</summary>
public sealed class LogReadResult : IDisposable
{
    /// <summary>None, or OffsetOutOfRange when the offset is outside [LogStartOffset, LogEndOffset].</summary>
    public ErrorCode Error { get; init; }

    /// <summary>Whole record batches as stored, starting with the batch that contains the requested offset.</summary>
    public ReadOnlyMemory<byte> Records { get; init; }

    /// <summary>The log end offset when the read started (a single node's high watermark).</summary>
    public long HighWatermark { get; init; }

    /// <summary>The log start offset when the read started.</summary>
    public long LogStartOffset { get; init; }

    /// <summary>Called on dispose to return the buffer behind <see cref="Records"/>.</summary>
    public Action? Release { get; init; }

    private int _released;

    /// <summary>Returns the pooled buffer; later calls do nothing, so a double dispose cannot corrupt the pool.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Release?.Invoke();
        }
    }
}
