using System.Buffers.Binary;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

internal sealed partial class ProducerStateTable
{
    private const int SnapshotMagic = 0x48505331; // "HPS1"
    private const int SnapshotHeaderSize = 16;
    private const int EntryHeaderSize = 14;
    private const int BatchSize = 16;

    /// <summary>Writes the state, valid up to <paramref name="offset"/>, atomically (temp file and rename).</summary>
    /// <remarks>
    /// Layout: magic int32, offset int64, count int32, then per producer id int64, epoch int16,
    /// batch count int32 and batches; a CRC-32C of everything before ends the file.
    /// </remarks>
    public void Save(string path, long offset)
    {
        var size = SnapshotHeaderSize + 4;
        foreach (var entry in _producers.Values)
        {
            size += EntryHeaderSize + (entry.Count * BatchSize);
        }

        var buffer = new byte[size];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(span, SnapshotMagic);
        BinaryPrimitives.WriteInt64BigEndian(span[4..], offset);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], _producers.Count);
        var position = SnapshotHeaderSize;
        foreach (var (producerId, entry) in _producers)
        {
            BinaryPrimitives.WriteInt64BigEndian(span[position..], producerId);
            BinaryPrimitives.WriteInt16BigEndian(span[(position + 8)..], entry.Epoch);
            BinaryPrimitives.WriteInt32BigEndian(span[(position + 10)..], entry.Count);
            entry.WriteBatches(span[(position + EntryHeaderSize)..]);
            position += EntryHeaderSize + (entry.Count * BatchSize);
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[position..], Crc32C.Compute(span[..position]));
        var temp = path + ".tmp";
        File.WriteAllBytes(temp, buffer);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Loads a snapshot written by <see cref="Save"/>; false if missing or damaged.</summary>
    public static bool TryLoad(string path, out ProducerStateTable table, out long offset)
    {
        table = new ProducerStateTable();
        offset = -1;
        if (!File.Exists(path))
        {
            return false;
        }

        var bytes = File.ReadAllBytes(path);
        var span = bytes.AsSpan();
        if (bytes.Length < SnapshotHeaderSize + 4
            || BinaryPrimitives.ReadInt32BigEndian(span) != SnapshotMagic
            || BinaryPrimitives.ReadUInt32BigEndian(span[^4..]) != Crc32C.Compute(span[..^4]))
        {
            return false;
        }

        offset = BinaryPrimitives.ReadInt64BigEndian(span[4..]);
        var count = BinaryPrimitives.ReadInt32BigEndian(span[12..]);
        var position = SnapshotHeaderSize;
        for (var i = 0; i < count; i++)
        {
            if (position + EntryHeaderSize > bytes.Length - 4)
            {
                return false;
            }

            var producerId = BinaryPrimitives.ReadInt64BigEndian(span[position..]);
            var entry = new ProducerEntry { Epoch = BinaryPrimitives.ReadInt16BigEndian(span[(position + 8)..]) };
            var batches = BinaryPrimitives.ReadInt32BigEndian(span[(position + 10)..]);
            position += EntryHeaderSize;
            if (batches < 0 || batches > CachedBatches || position + (batches * BatchSize) > bytes.Length - 4)
            {
                return false;
            }

            for (var b = 0; b < batches; b++)
            {
                entry.Add(
                    BinaryPrimitives.ReadInt32BigEndian(span[position..]),
                    BinaryPrimitives.ReadInt32BigEndian(span[(position + 4)..]),
                    BinaryPrimitives.ReadInt64BigEndian(span[(position + 8)..]));
                position += BatchSize;
            }

            table._producers[producerId] = entry;
        }

        return true;
    }
}
