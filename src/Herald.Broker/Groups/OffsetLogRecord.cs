using System.Buffers.Binary;
using System.Text;

namespace Herald.Broker.Groups;

/// <summary>The kinds of records in the committed-offsets log.</summary>
internal enum OffsetLogRecordKind : byte
{
    Commit = 1,
    DeletePartition = 2,
    DeleteGroup = 3,
    DeleteTopic = 4,
}

/// <summary>One record of the committed-offsets log: <c>[int32 length][uint32 crc32][payload]</c>, all big-endian.</summary>
/// <remarks>
/// Payload: kind byte, then group, topic (length-prefixed UTF-8, -1 for null), partition int32, offset int64,
/// leader epoch int32, metadata (nullable string) and commit timestamp int64. Deletions carry only the keys they need.
/// </remarks>
internal readonly record struct OffsetLogRecord(
    OffsetLogRecordKind Kind,
    string Group,
    string Topic,
    int Partition,
    CommittedOffset Offset)
{
    public const int HeaderSize = 8;

    public static OffsetLogRecord Commit(string group, string topic, int partition, CommittedOffset offset) =>
        new(OffsetLogRecordKind.Commit, group, topic, partition, offset);

    public int PayloadSize =>
        1 + StringSize(Group) + StringSize(Topic) + 4 + 8 + 4 + StringSize(Offset.Metadata) + 8;

    public void WriteTo(Stream stream)
    {
        var buffer = new byte[HeaderSize + PayloadSize];
        var payload = buffer.AsSpan(HeaderSize);
        int position = 0;
        payload[position++] = (byte)Kind;
        position += WriteString(payload[position..], Group);
        position += WriteString(payload[position..], Topic);
        BinaryPrimitives.WriteInt32BigEndian(payload[position..], Partition);
        position += 4;
        BinaryPrimitives.WriteInt64BigEndian(payload[position..], Offset.Offset);
        position += 8;
        BinaryPrimitives.WriteInt32BigEndian(payload[position..], Offset.LeaderEpoch);
        position += 4;
        position += WriteString(payload[position..], Offset.Metadata);
        BinaryPrimitives.WriteInt64BigEndian(payload[position..], Offset.CommitTimestampMs);
        BinaryPrimitives.WriteInt32BigEndian(buffer, payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(4), Crc32.Compute(payload));
        stream.Write(buffer);
    }

    /// <summary>Reads the record at the start of <paramref name="data"/>; false for a torn or corrupt record.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, out OffsetLogRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (data.Length < HeaderSize)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadInt32BigEndian(data);
        if (length <= 0 || length > data.Length - HeaderSize)
        {
            return false;
        }
        var payload = data.Slice(HeaderSize, length);
        if (Crc32.Compute(payload) != BinaryPrimitives.ReadUInt32BigEndian(data[4..]))
        {
            return false;
        }
        try
        {
            int position = 1;
            var kind = (OffsetLogRecordKind)payload[0];
            string group = ReadString(payload, ref position) ?? "";
            string topic = ReadString(payload, ref position) ?? "";
            int partition = BinaryPrimitives.ReadInt32BigEndian(payload[position..]);
            position += 4;
            long offset = BinaryPrimitives.ReadInt64BigEndian(payload[position..]);
            position += 8;
            int epoch = BinaryPrimitives.ReadInt32BigEndian(payload[position..]);
            position += 4;
            string? metadata = ReadString(payload, ref position);
            long timestamp = BinaryPrimitives.ReadInt64BigEndian(payload[position..]);
            record = new OffsetLogRecord(kind, group, topic, partition, new CommittedOffset(offset, epoch, metadata, timestamp));
            consumed = HeaderSize + length;
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static int StringSize(string? value) => 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    private static int WriteString(Span<byte> destination, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination, -1);
            return 4;
        }
        int written = Encoding.UTF8.GetBytes(value, destination[4..]);
        BinaryPrimitives.WriteInt32BigEndian(destination, written);
        return 4 + written;
    }

    private static string? ReadString(ReadOnlySpan<byte> payload, ref int position)
    {
        int length = BinaryPrimitives.ReadInt32BigEndian(payload[position..]);
        position += 4;
        if (length < 0)
        {
            return null;
        }
        string value = Encoding.UTF8.GetString(payload.Slice(position, length));
        position += length;
        return value;
    }
}
