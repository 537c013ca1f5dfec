using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Herald.Protocol.Records;

/// <summary>A record header: a UTF-8 key and an optional value.</summary>
public readonly record struct RecordHeader(string Key, byte[]? Value);

/// <summary>Builds one uncompressed v2 record batch with a correct CRC-32C.</summary>
/// <remarks>
/// For tests, tools and the CLI; producers on the hot path send batches built by their clients.
/// The base offset is written as 0: the broker assigns offsets on append.
/// </remarks>
public sealed class RecordBatchBuilder
{
    private readonly ArrayBufferWriter<byte> _records = new();
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private long _baseTimestamp = -1;
    private long _maxTimestamp = -1;

    /// <summary>The idempotent producer id written into the batch; -1 (the default) for none.</summary>
    public long ProducerId { get; init; } = -1;

    /// <summary>The producer epoch; -1 (the default) for none.</summary>
    public short ProducerEpoch { get; init; } = -1;

    /// <summary>The sequence number of the first record; -1 (the default) for none.</summary>
    public int BaseSequence { get; init; } = -1;

    /// <summary>Sets the transactional bit in the attributes.</summary>
    public bool IsTransactional { get; init; }

    /// <summary>How many records were added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a record. Null key or value are written as Kafka nulls (length -1).</summary>
    public RecordBatchBuilder Add(byte[]? key, byte[]? value, long timestamp, IReadOnlyList<RecordHeader>? headers = null)
    {
        if (Count == 0)
        {
            _baseTimestamp = timestamp;
        }

        _maxTimestamp = Math.Max(_maxTimestamp, timestamp);

        _scratch.ResetWrittenCount();
        WriteByte(_scratch, 0);
        WriteVarLong(_scratch, timestamp - _baseTimestamp);
        WriteVarLong(_scratch, Count);
        WriteNullableBytes(_scratch, key);
        WriteNullableBytes(_scratch, value);
        WriteVarLong(_scratch, headers?.Count ?? 0);
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                WriteNullableBytes(_scratch, Encoding.UTF8.GetBytes(header.Key));
                WriteNullableBytes(_scratch, header.Value);
            }
        }

        WriteVarLong(_records, _scratch.WrittenCount);
        _records.Write(_scratch.WrittenSpan);
        Count++;
        return this;
    }

    /// <summary>Adds a record with a UTF-8 string value and no key.</summary>
    public RecordBatchBuilder Add(string value, long timestamp) => Add(null, Encoding.UTF8.GetBytes(value), timestamp);

    /// <summary>Returns the finished batch. At least one record must have been added.</summary>
    public byte[] Build()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("A record batch needs at least one record.");
        }

        var batch = new byte[RecordBatchHeader.Size + _records.WrittenCount];
        var span = batch.AsSpan();
        BinaryPrimitives.WriteInt64BigEndian(span, 0);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - RecordBatchHeader.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[12..], 0);
        span[16] = 2;
        BinaryPrimitives.WriteInt16BigEndian(span[21..], (short)(IsTransactional ? 0x10 : 0));
        BinaryPrimitives.WriteInt32BigEndian(span[23..], Count - 1);
        BinaryPrimitives.WriteInt64BigEndian(span[27..], _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], ProducerId);
        BinaryPrimitives.WriteInt16BigEndian(span[51..], ProducerEpoch);
        BinaryPrimitives.WriteInt32BigEndian(span[53..], BaseSequence);
        BinaryPrimitives.WriteInt32BigEndian(span[57..], Count);
        _records.WrittenSpan.CopyTo(span[RecordBatchHeader.Size..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[RecordBatchHeader.CrcOffset..], RecordBatchHeader.ComputeCrc(span));
        return batch;
    }

    private static void WriteByte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void WriteNullableBytes(ArrayBufferWriter<byte> writer, byte[]? bytes)
    {
        if (bytes is null)
        {
            WriteVarLong(writer, -1);
            return;
        }

        WriteVarLong(writer, bytes.Length);
        writer.Write(bytes);
    }

    private static void WriteVarLong(ArrayBufferWriter<byte> writer, long value)
    {
        // Zigzag, then base-128 little-endian groups, as protobuf sint64.
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var span = writer.GetSpan(10);
        var i = 0;
        while (zigzag >= 0x80)
        {
            span[i++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        span[i++] = (byte)zigzag;
        writer.Advance(i);
    }
}
