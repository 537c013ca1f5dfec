using System.Buffers.Binary;

namespace Herald.Broker.Log;

/// <summary>
/// The <c>.appendtime</c> file: (broker append time in Unix milliseconds int64, offset relative to the segment base
/// int32) at the first batch appended in each new millisecond.
/// </summary>
/// <remarks>
/// Every offset from one entry up to the next was appended in the entry's millisecond, so the append time of any
/// offset is exact to the millisecond — what consumer lag in seconds needs, independent of producer clocks
/// (batch timestamps are the producer's CreateTime). At most one entry per millisecond bounds its size under load.
/// It cannot be rebuilt from the log: recovery keeps the entries below the recovered end and, for offsets no entry
/// covers (segments written before this index existed), readers fall back to the batch's max timestamp.
/// </remarks>
internal sealed class AppendTimeIndex(string path) : IndexFile(path, EntrySize)
{
    private const int EntrySize = 12;

    /// <summary>Records that the batch at <paramref name="relativeOffset"/> was appended at <paramref name="appendTimeMs"/>, unless the last entry already has that millisecond.</summary>
    public void Add(long appendTimeMs, int relativeOffset)
    {
        if (TryGetLast(out var lastTime, out var lastOffset) && (appendTimeMs <= lastTime || relativeOffset <= lastOffset))
        {
            // Same millisecond (or a clock step back): the earlier entry already covers this batch.
            return;
        }

        var slot = NextSlot();
        BinaryPrimitives.WriteInt64BigEndian(slot, appendTimeMs);
        BinaryPrimitives.WriteInt32BigEndian(slot[8..], relativeOffset);
        Publish();
    }

    /// <summary>The last entry, or false when empty.</summary>
    public bool TryGetLast(out long appendTimeMs, out int relativeOffset)
    {
        var snapshot = Snapshot(out var count);
        if (count == 0)
        {
            appendTimeMs = -1;
            relativeOffset = -1;
            return false;
        }

        var entry = Entry(snapshot, count - 1);
        appendTimeMs = BinaryPrimitives.ReadInt64BigEndian(entry);
        relativeOffset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
        return true;
    }

    /// <summary>The append time of <paramref name="relativeOffset"/>: that of the last entry at or before it; false when no entry is.</summary>
    public bool TryLookup(long relativeOffset, out long appendTimeMs)
    {
        var snapshot = Snapshot(out var count);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (BinaryPrimitives.ReadInt32BigEndian(Entry(snapshot, mid)[8..]) <= relativeOffset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        appendTimeMs = found < 0 ? -1 : BinaryPrimitives.ReadInt64BigEndian(Entry(snapshot, found));
        return found >= 0;
    }

    /// <summary>Drops the entries at or above <paramref name="relativeEnd"/> and any that break the order, after a crash cut the log.</summary>
    public void TruncateAbove(long relativeEnd)
    {
        var snapshot = Snapshot(out var count);
        long lastTime = long.MinValue, lastOffset = -1;
        var keep = 0;
        for (; keep < count; keep++)
        {
            var entry = Entry(snapshot, keep);
            var time = BinaryPrimitives.ReadInt64BigEndian(entry);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            if (offset >= relativeEnd || offset <= lastOffset || time <= lastTime)
            {
                break;
            }

            lastTime = time;
            lastOffset = offset;
        }

        if (keep < count)
        {
            TruncateTo(keep);
        }
    }
}
