using Herald.Protocol;

namespace Herald.Broker.Log;

/// <summary>The result of appending record batches to a partition.</summary>
/// <param name="Error">None, or why nothing was appended (CorruptMessage, MessageTooLarge, OutOfOrderSequenceNumber, InvalidProducerEpoch, UnknownProducerId, InvalidRecord, UnsupportedForMessageFormat ...).</param>
/// <param name="BaseOffset">The offset given to the first record; for a duplicate idempotent batch, the offset it was first appended at.</param>
/// <param name="LogStartOffset">The partition's log start offset after the append.</param>
/// <param name="ErrorMessage">A human-readable reason when <paramref name="Error"/> is not None.</param>
public readonly record struct AppendResult(ErrorCode Error, long BaseOffset, long LogStartOffset, string? ErrorMessage = null);

/// <summary>Record batches read from a partition. Dispose returns the pooled buffer.</summary>
public sealed class LogReadResult : IDisposable
{
    public ErrorCode Error { get; init; }

    /// <summary>Whole record batches as stored, starting with the batch that contains the requested offset.</summary>
    public ReadOnlyMemory<byte> Records { get; init; }

    public long HighWatermark { get; init; }

    public long LogStartOffset { get; init; }

    /// <summary>Called on dispose to return the buffer behind <see cref="Records"/>.</summary>
    public Action? Release { get; init; }

    public void Dispose() => Release?.Invoke();
}

/// <summary>One partition's append-only log: segment files, sparse offset and time indexes, recovery, retention and idempotent-producer state.</summary>
public sealed partial class PartitionLog : IDisposable
{
}
