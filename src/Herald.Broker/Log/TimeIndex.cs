using System.Buffers.Binary;

namespace Herald.Broker.Log;

/// <summary>The <c>.timeindex</c> file: (largest timestamp so far int64, base offset of the batch that has it, relative int32).</summary>
/// <remarks>Timestamps never decrease across entries, so a binary search finds where to start a scan.</remarks>
internal sealed class TimeIndex(string path) : IndexFile(path, EntrySize)
{
    private const int EntrySize = 12;

    public void Add(long timestamp, int relativeOffset)
    {
        var slot = NextSlot();
        BinaryPrimitives.WriteInt64BigEndian(slot, timestamp);
        BinaryPrimitives.WriteInt32BigEndian(slot[8..], relativeOffset);
        Publish();
    }

    /// <summary>The last entry, or false when empty.</summary>
    public bool TryGetLast(out long timestamp, out int relativeOffset)
    {
        var snapshot = Snapshot(out var count);
        if (count == 0)
        {
            timestamp = -1;
            relativeOffset = 0;
            return false;
        }

        var entry = Entry(snapshot, count - 1);
        timestamp = BinaryPrimitives.ReadInt64BigEndian(entry);
        relativeOffset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
        return true;
    }

    /// <summary>
    /// The relative offset of the last entry whose timestamp is below <paramref name="timestamp"/>, or -1.
    /// Every batch up to and including that one is older than the target, so a scan may start there.
    /// </summary>
    public int LookupBefore(long timestamp)
    {
        var snapshot = Snapshot(out var count);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (BinaryPrimitives.ReadInt64BigEndian(Entry(snapshot, mid)) < timestamp)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? -1 : BinaryPrimitives.ReadInt32BigEndian(Entry(snapshot, found)[8..]);
    }

    /// <summary>Checks that timestamps and offsets never decrease.</summary>
    public bool IsConsistent(long maxRelativeOffset)
    {
        var snapshot = Snapshot(out var count);
        long lastTimestamp = long.MinValue, lastOffset = -1;
        for (var i = 0; i < count; i++)
        {
            var entry = Entry(snapshot, i);
            var timestamp = BinaryPrimitives.ReadInt64BigEndian(entry);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry[8..]);
            if (timestamp < lastTimestamp || offset < lastOffset || offset > maxRelativeOffset)
            {
                return false;
            }

            lastTimestamp = timestamp;
            lastOffset = offset;
        }

        return true;
    }
}
