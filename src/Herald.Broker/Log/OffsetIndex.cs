using System.Buffers.Binary;

namespace Herald.Broker.Log;

/// <summary>The <c>.index</c> file: (offset relative to the segment base int32, file position int32), sparse.</summary>
/// <remarks>An entry points at the start of a batch, keyed by the batch's base offset.</remarks>
internal sealed class OffsetIndex(string path) : IndexFile(path, EntrySize)
{
    private const int EntrySize = 8;

    public void Add(int relativeOffset, int position)
    {
        var slot = NextSlot();
        BinaryPrimitives.WriteInt32BigEndian(slot, relativeOffset);
        BinaryPrimitives.WriteInt32BigEndian(slot[4..], position);
        Publish();
    }

    /// <summary>The file position of the last indexed batch whose base is at or before <paramref name="relativeOffset"/>, or 0.</summary>
    public int Lookup(long relativeOffset)
    {
        var snapshot = Snapshot(out var count);
        int lo = 0, hi = count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (BinaryPrimitives.ReadInt32BigEndian(Entry(snapshot, mid)) <= relativeOffset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found < 0 ? 0 : BinaryPrimitives.ReadInt32BigEndian(Entry(snapshot, found)[4..]);
    }

    /// <summary>Checks that offsets and positions strictly increase and stay inside the segment.</summary>
    public bool IsConsistent(long logSize, long maxRelativeOffset)
    {
        var snapshot = Snapshot(out var count);
        long lastOffset = -1, lastPosition = -1;
        for (var i = 0; i < count; i++)
        {
            var entry = Entry(snapshot, i);
            var offset = BinaryPrimitives.ReadInt32BigEndian(entry);
            var position = BinaryPrimitives.ReadInt32BigEndian(entry[4..]);
            if (offset <= lastOffset || offset > maxRelativeOffset || position <= lastPosition || position >= logSize)
            {
                return false;
            }

            lastOffset = offset;
            lastPosition = position;
        }

        return true;
    }
}
