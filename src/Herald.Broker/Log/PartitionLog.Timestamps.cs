using System.Buffers;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
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
}
