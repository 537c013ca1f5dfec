using System.Buffers;
using Herald.Protocol;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    // Bounds the buffer one read rents, whatever maxBytes the fetch asked for; the consumer fetches again for more.
    private const int MaxReadBytes = 16 << 20;

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
}
