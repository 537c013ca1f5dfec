using System.Buffers;
using Herald.Protocol;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    // Bounds the buffer one read rents, whatever maxBytes the fetch asked for; the consumer fetches again for more.
    private const int MaxReadBytes = 16 << 20;

    private TaskCompletionSource _appendSignal = NewSignal();
    private int _waiting;

    /// <summary>Reads whole batches starting with the one that contains <paramref name="offset"/>.</summary>
    /// <param name="offset">The first offset the caller wants; records before it in the same batch are returned too.</param>
    /// <param name="maxBytes">The most bytes to return, except that one whole batch is always returned even if bigger (KIP-74).</param>
    /// <remarks>
    /// At <see cref="LogEndOffset"/> the result is empty; outside [LogStartOffset, LogEndOffset] it is
    /// OffsetOutOfRange. Batches come from one segment: a read that reaches the end of a segment
    /// returns what it has and the next read continues in the next segment. Dispose the result.
    /// </remarks>
    public LogReadResult Read(long offset, int maxBytes)
    {
        for (var attempt = 0; ; attempt++)
        {
            ThrowIfDisposed();
            var end = LogEndOffset;
            var start = LogStartOffset;
            if (offset == end)
            {
                return new LogReadResult { HighWatermark = end, LogStartOffset = start };
            }

            if (offset < start || offset > end)
            {
                return new LogReadResult { Error = ErrorCode.OffsetOutOfRange, HighWatermark = end, LogStartOffset = start };
            }

            try
            {
                return ReadFrom(Volatile.Read(ref _segments), offset, maxBytes, end, start);
            }
            catch (ObjectDisposedException) when (attempt < 3 && !Volatile.Read(ref _disposed))
            {
                // Retention deleted the segment under us; the next attempt sees the new start offset.
            }
        }
    }

    private LogReadResult ReadFrom(LogSegment[] segments, long offset, int maxBytes, long end, long start)
    {
        maxBytes = Math.Clamp(maxBytes, 0, MaxReadBytes);
        for (var i = FindSegment(segments, offset); i < segments.Length; i++)
        {
            var segment = segments[i];
            var size = segment.Size;
            var position = (long)segment.OffsetIndex.Lookup(offset - segment.BaseOffset);
            if (position >= size)
            {
                continue;
            }

            // One read usually covers the walk from the index entry to the wanted batch and the batches
            // after it; only a batch that does not fit needs a second read.
            var length = (int)Math.Min(size - position, Math.Min((long)maxBytes + (2L * Options.IndexIntervalBytes), int.MaxValue));
            length = Math.Max(length, (int)Math.Min(size - position, RecordBatchHeader.Size));
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            var read = segment.ReadAt(buffer.AsSpan(0, length), position);
            var local = 0;
            while (local <= read && RecordBatchHeader.TryParse(buffer.AsSpan(local, read - local), out var header))
            {
                if (header.LastOffset >= offset)
                {
                    if (local + header.TotalSize > read)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return ReadBatches(segment, position + local, size, header.TotalSize, maxBytes, end, start);
                    }

                    return Slice(buffer, local, read, maxBytes, end, start);
                }

                local += header.TotalSize;
            }

            ArrayPool<byte>.Shared.Return(buffer);
            if (position + local < size)
            {
                // The wanted batch starts beyond what was read: fetch from there.
                var found = FindBatch(segment, position + local, size, offset, out var firstSize);
                if (found >= 0)
                {
                    return ReadBatches(segment, found, size, firstSize, maxBytes, end, start);
                }
            }
        }

        return new LogReadResult { HighWatermark = end, LogStartOffset = start };
    }

    /// <summary>Walks batch headers from <paramref name="position"/> to the batch holding <paramref name="offset"/>; -1 if none.</summary>
    private static long FindBatch(LogSegment segment, long position, long size, long offset, out int batchSize)
    {
        Span<byte> headerBytes = stackalloc byte[RecordBatchHeader.Size];
        while (position + RecordBatchHeader.Size <= size)
        {
            segment.ReadAt(headerBytes, position);
            RecordBatchHeader.TryParse(headerBytes, out var header);
            if (header.LastOffset >= offset)
            {
                batchSize = header.TotalSize;
                return position;
            }

            position += header.TotalSize;
        }

        batchSize = 0;
        return -1;
    }

    private static LogReadResult ReadBatches(LogSegment segment, long position, long size, int firstBatchSize, int maxBytes, long end, long start)
    {
        var length = (int)Math.Min(size - position, Math.Max(firstBatchSize, maxBytes));
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var read = segment.ReadAt(buffer.AsSpan(0, length), position);
        return Slice(buffer, 0, read, maxBytes, end, start);
    }

    /// <summary>Wraps the whole batches in buffer[from..read): the first always, the rest while within maxBytes and below the end offset.</summary>
    private static LogReadResult Slice(byte[] buffer, int from, int read, int maxBytes, long end, long start)
    {
        var used = 0;
        while (RecordBatchHeader.TryParse(buffer.AsSpan(from + used, read - from - used), out var header)
            && header.BaseOffset < end
            && from + used + header.TotalSize <= read
            && (used == 0 || used + header.TotalSize <= maxBytes))
        {
            used += header.TotalSize;
        }

        return new LogReadResult
        {
            Records = buffer.AsMemory(from, used),
            HighWatermark = end,
            LogStartOffset = start,
            Release = () => ArrayPool<byte>.Shared.Return(buffer),
        };
    }

    /// <summary>The first offset whose record timestamp is at or after <paramref name="timestamp"/>, or -1 (ListOffsets by time).</summary>
    /// <remarks>
    /// The time index finds where to start; batch headers find the first batch whose max timestamp
    /// qualifies, and the records of that batch give the exact offset. A compressed batch is not
    /// decompressed: its base offset is returned.
    /// </remarks>
    public long FindOffsetForTimestamp(long timestamp)
    {
        ThrowIfDisposed();
        var segments = Volatile.Read(ref _segments);
        var start = LogStartOffset;
        var end = LogEndOffset;
        Span<byte> headerBytes = stackalloc byte[RecordBatchHeader.Size];
        foreach (var segment in segments)
        {
            if (segment.MaxTimestamp < timestamp || segment.NextOffset <= start)
            {
                continue;
            }

            var relative = segment.TimeIndex.LookupBefore(timestamp);
            var position = relative < 0 ? 0L : segment.OffsetIndex.Lookup(relative);
            var size = segment.Size;
            while (position + RecordBatchHeader.Size <= size)
            {
                segment.ReadAt(headerBytes, position);
                RecordBatchHeader.TryParse(headerBytes, out var header);
                if (header.BaseOffset >= end)
                {
                    return -1;
                }

                if (header.MaxTimestamp >= timestamp && header.LastOffset >= start)
                {
                    var found = header.BaseOffset;
                    if (header.Compression == CompressionType.None)
                    {
                        var buffer = ArrayPool<byte>.Shared.Rent(header.TotalSize);
                        var batch = buffer.AsSpan(0, segment.ReadAt(buffer.AsSpan(0, header.TotalSize), position));
                        if (RecordTimestamps.TryFindFirstAtOrAfter(batch, timestamp, out var recordOffset))
                        {
                            found = recordOffset;
                        }

                        ArrayPool<byte>.Shared.Return(buffer);
                    }

                    return Math.Max(found, start);
                }

                position += header.TotalSize;
            }
        }

        return -1;
    }

    /// <summary>The largest timestamp in the log and the offset of the first record that carries it; (-1, -1) when empty.</summary>
    /// <remarks>For ListOffsets with timestamp -3 (KIP-734). In a compressed batch the batch's last offset stands in for the record, as Kafka did before 3.8.</remarks>
    public (long Offset, long Timestamp) FindMaxTimestamp()
    {
        ThrowIfDisposed();
        LogSegment? best = null;
        var start = LogStartOffset;
        foreach (var segment in Volatile.Read(ref _segments))
        {
            if (segment.NextOffset > start && segment.MaxTimestamp >= 0 && (best is null || segment.MaxTimestamp > best.MaxTimestamp))
            {
                best = segment;
            }
        }

        if (best is null)
        {
            return (-1, -1);
        }

        var timestamp = best.MaxTimestamp;
        var batchOffset = best.MaxTimestampBatchOffset;
        Span<byte> headerBytes = stackalloc byte[RecordBatchHeader.Size];
        var position = (long)best.OffsetIndex.Lookup(batchOffset - best.BaseOffset);
        var size = best.Size;
        while (position + RecordBatchHeader.Size <= size)
        {
            best.ReadAt(headerBytes, position);
            RecordBatchHeader.TryParse(headerBytes, out var header);
            if (header.BaseOffset >= batchOffset)
            {
                var found = header.LastOffset;
                if (header.Compression == CompressionType.None)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(header.TotalSize);
                    var batch = buffer.AsSpan(0, best.ReadAt(buffer.AsSpan(0, header.TotalSize), position));
                    if (RecordTimestamps.TryFindMaxTimestamp(batch, out var recordOffset, out _))
                    {
                        found = recordOffset;
                    }

                    ArrayPool<byte>.Shared.Return(buffer);
                }

                return (Math.Max(found, start), timestamp);
            }

            position += header.TotalSize;
        }

        return (batchOffset, timestamp);
    }

    /// <summary>Completes when <see cref="LogEndOffset"/> is above <paramref name="offset"/> or the log is closed.</summary>
    /// <remarks>For Fetch long polling: appends wake every waiter, with no timer. Synchronous when data is already there.</remarks>
    public ValueTask WaitForAppendAsync(long offset, CancellationToken cancellationToken)
    {
        if (LogEndOffset > offset || Volatile.Read(ref _disposed))
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(WaitSlowAsync(offset, cancellationToken));
    }

    private async Task WaitSlowAsync(long offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _appendSignal);

            // Announce the waiter before re-checking the end offset: an append that publishes after
            // this check also sees the flag and completes the signal we hold.
            Interlocked.Exchange(ref _waiting, 1);
            if (LogEndOffset > offset || Volatile.Read(ref _disposed))
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void SignalAppend()
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 0)
        {
            return;
        }

        var signal = Interlocked.Exchange(ref _appendSignal, NewSignal());
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
