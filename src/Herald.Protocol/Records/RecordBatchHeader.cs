using System.Buffers.Binary;

namespace Herald.Protocol.Records;

/// <summary>The 61-byte header of a v2 (magic 2) record batch.</summary>
/// <remarks>
/// Layout: https://kafka.apache.org/documentation/#recordbatch. The CRC covers the bytes from
/// <c>attributes</c> to the end of the batch, so <c>baseOffset</c> and <c>partitionLeaderEpoch</c>
/// can be rewritten by the broker without recomputing it.
/// </remarks>
public readonly struct RecordBatchHeader
{
    /// <summary>The size of the header in bytes.</summary>
    public const int Size = 61;

    /// <summary>The bytes before <c>batchLength</c>'s count begins: baseOffset (8) + batchLength (4).</summary>
    public const int LogOverhead = 12;

    /// <summary>Position of <c>batchLength</c>.</summary>
    public const int BatchLengthOffset = 8;

    /// <summary>Position of <c>partitionLeaderEpoch</c>.</summary>
    public const int PartitionLeaderEpochOffset = 12;

    /// <summary>Position of <c>magic</c>.</summary>
    public const int MagicOffset = 16;

    /// <summary>Position of <c>crc</c>.</summary>
    public const int CrcOffset = 17;

    /// <summary>Position of <c>attributes</c>, where the CRC starts.</summary>
    public const int AttributesOffset = 21;

    /// <summary>The smallest valid <c>batchLength</c>: a header with no records.</summary>
    public const int MinBatchLength = Size - LogOverhead;

    private RecordBatchHeader(ReadOnlySpan<byte> s)
    {
        BaseOffset = BinaryPrimitives.ReadInt64BigEndian(s);
        BatchLength = BinaryPrimitives.ReadInt32BigEndian(s[8..]);
        PartitionLeaderEpoch = BinaryPrimitives.ReadInt32BigEndian(s[12..]);
        Magic = (sbyte)s[16];
        Crc = BinaryPrimitives.ReadUInt32BigEndian(s[17..]);
        Attributes = BinaryPrimitives.ReadInt16BigEndian(s[21..]);
        LastOffsetDelta = BinaryPrimitives.ReadInt32BigEndian(s[23..]);
        BaseTimestamp = BinaryPrimitives.ReadInt64BigEndian(s[27..]);
        MaxTimestamp = BinaryPrimitives.ReadInt64BigEndian(s[35..]);
        ProducerId = BinaryPrimitives.ReadInt64BigEndian(s[43..]);
        ProducerEpoch = BinaryPrimitives.ReadInt16BigEndian(s[51..]);
        BaseSequence = BinaryPrimitives.ReadInt32BigEndian(s[53..]);
        RecordsCount = BinaryPrimitives.ReadInt32BigEndian(s[57..]);
    }

    /// <summary>The offset of the first record.</summary>
    public long BaseOffset { get; }

    /// <summary>The number of bytes after the <c>batchLength</c> field.</summary>
    public int BatchLength { get; }

    /// <summary>The leader epoch the batch was appended in; a single node writes 0.</summary>
    public int PartitionLeaderEpoch { get; }

    /// <summary>The format version: 2 for record batches.</summary>
    public sbyte Magic { get; }

    /// <summary>CRC-32C over <c>attributes</c> .. end of batch.</summary>
    public uint Crc { get; }

    /// <summary>Codec (bits 0-2), timestamp type (bit 3), transactional (bit 4), control (bit 5).</summary>
    public short Attributes { get; }

    /// <summary>The last record's offset minus <see cref="BaseOffset"/>.</summary>
    public int LastOffsetDelta { get; }

    /// <summary>The first record's timestamp; record timestamps are deltas from it.</summary>
    public long BaseTimestamp { get; }

    /// <summary>The largest record timestamp in the batch.</summary>
    public long MaxTimestamp { get; }

    /// <summary>The idempotent producer's id, or -1.</summary>
    public long ProducerId { get; }

    /// <summary>The idempotent producer's epoch, or -1.</summary>
    public short ProducerEpoch { get; }

    /// <summary>The sequence number of the first record, or -1.</summary>
    public int BaseSequence { get; }

    /// <summary>The number of records; <see cref="LastOffsetDelta"/> + 1 in a well-formed batch.</summary>
    public int RecordsCount { get; }

    /// <summary>The whole batch's size in bytes, header included.</summary>
    public int TotalSize => BatchLength + LogOverhead;

    /// <summary>The offset of the last record.</summary>
    public long LastOffset => BaseOffset + LastOffsetDelta;

    /// <summary>The sequence number of the last record; sequences wrap from <see cref="int.MaxValue"/> to 0.</summary>
    public int LastSequence => (int)(((long)BaseSequence + LastOffsetDelta) & int.MaxValue);

    /// <summary>The codec of the records section.</summary>
    public CompressionType Compression => (CompressionType)(Attributes & 0x07);

    /// <summary>Whether timestamps are the producer's or the broker's.</summary>
    public TimestampType TimestampType => (Attributes & 0x08) != 0 ? TimestampType.LogAppendTime : TimestampType.CreateTime;

    /// <summary>The batch belongs to a transaction.</summary>
    public bool IsTransactional => (Attributes & 0x10) != 0;

    /// <summary>A transaction marker, not user records.</summary>
    public bool IsControl => (Attributes & 0x20) != 0;

    /// <summary>Parses the header at the start of <paramref name="span"/>; false if fewer than <see cref="Size"/> bytes.</summary>
    /// <remarks>Only reads fields: the caller checks magic, length and CRC.</remarks>
    public static bool TryParse(ReadOnlySpan<byte> span, out RecordBatchHeader header)
    {
        if (span.Length < Size)
        {
            header = default;
            return false;
        }

        header = new RecordBatchHeader(span);
        return true;
    }

    /// <summary>Overwrites <c>baseOffset</c> of the batch starting at <paramref name="batch"/>.</summary>
    public static void WriteBaseOffset(Span<byte> batch, long baseOffset) =>
        BinaryPrimitives.WriteInt64BigEndian(batch, baseOffset);

    /// <summary>Overwrites <c>partitionLeaderEpoch</c> of the batch starting at <paramref name="batch"/>.</summary>
    public static void WritePartitionLeaderEpoch(Span<byte> batch, int epoch) =>
        BinaryPrimitives.WriteInt32BigEndian(batch[PartitionLeaderEpochOffset..], epoch);

    /// <summary>Computes the CRC-32C a whole batch should carry.</summary>
    public static uint ComputeCrc(ReadOnlySpan<byte> batch) => Crc32C.Compute(batch[AttributesOffset..]);

    /// <summary>Whether the stored CRC of <paramref name="batch"/> (exactly one whole batch) matches its contents.</summary>
    public bool IsCrcValid(ReadOnlySpan<byte> batch) => ComputeCrc(batch) == Crc;
}
