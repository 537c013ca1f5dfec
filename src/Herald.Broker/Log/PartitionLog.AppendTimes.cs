using Herald.Protocol.Records;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    /// <summary>When the broker last appended to this partition, Unix milliseconds; -1 when never (since the append-time index existed).</summary>
    public long LastAppendTimeMs => Volatile.Read(ref _lastAppendTimeMs);

    /// <summary>
    /// The broker append time of the first data record at or after <paramref name="offset"/> (the oldest record a consumer
    /// positioned there has not read), in Unix milliseconds; -1 when no data record lies in [offset, end).
    /// </summary>
    /// <remarks>
    /// An offset below the log start is measured from the first record still stored. Control batches (transaction
    /// markers) are not data. Without control batches the answer comes from the in-memory append-time index alone, so
    /// a scrape reads nothing from disk; batch headers are read only for segments holding control batches or written
    /// before the index existed (then the batch's max timestamp stands in).
    /// </remarks>
    public long FirstDataAppendTimeMs(long offset) => FindFirstData(offset, withAppendTime: true).AppendTimeMs;

    /// <summary>The offset of the first data record at or after <paramref name="offset"/>, or -1 when only control records (or nothing) remain.</summary>
    public long FirstDataOffset(long offset) => FindFirstData(offset, withAppendTime: false).Offset;

    private (long Offset, long AppendTimeMs) FindFirstData(long offset, bool withAppendTime)
    {
        ThrowIfDisposed();
        var segments = Volatile.Read(ref _segments);
        var end = LogEndOffset;
        offset = Math.Max(offset, LogStartOffset);
        for (var i = FindSegment(segments, offset); i < segments.Length && offset < end; i++)
        {
            var segment = segments[i];
            var segmentEnd = Math.Min(segment.NextOffset, end);
            if (offset >= segmentEnd)
            {
                continue;
            }

            if (!segment.ContainsControlBatches)
            {
                // Every offset here is data: the in-memory index answers without reading the segment.
                if (!withAppendTime)
                {
                    return (offset, -1);
                }

                if (segment.AppendTimeIndex.TryLookup(offset - segment.BaseOffset, out var indexed))
                {
                    return (offset, indexed);
                }
            }

            var found = FirstDataBatch(segment, offset, segmentEnd);
            if (found.BaseOffset >= 0)
            {
                var first = Math.Max(offset, found.BaseOffset);
                return (first, segment.AppendTimeIndex.TryLookup(first - segment.BaseOffset, out var time) ? time : found.MaxTimestamp);
            }

            offset = segmentEnd;
        }

        return (-1, -1);
    }

    /// <summary>Walks batch headers from the index entry before <paramref name="offset"/> to the first non-control batch ending at or after it.</summary>
    private static (long BaseOffset, long MaxTimestamp) FirstDataBatch(LogSegment segment, long offset, long end)
    {
        Span<byte> headerBytes = stackalloc byte[RecordBatchHeader.Size];
        var position = (long)segment.OffsetIndex.Lookup(offset - segment.BaseOffset);
        var size = segment.Size;
        while (position + RecordBatchHeader.Size <= size)
        {
            if (segment.ReadAt(headerBytes, position) < RecordBatchHeader.Size || !RecordBatchHeader.TryParse(headerBytes, out var header) || header.BaseOffset >= end)
            {
                break;
            }

            if (header.LastOffset >= offset && !header.IsControl)
            {
                return (header.BaseOffset, header.MaxTimestamp);
            }

            position += header.TotalSize;
        }

        return (-1, -1);
    }

    private static long LastAppendTimeOf(LogSegment[] segments)
    {
        for (var i = segments.Length - 1; i >= 0; i--)
        {
            if (segments[i].AppendTimeIndex.TryGetLast(out var time, out _))
            {
                return time;
            }
        }

        return -1;
    }
}
