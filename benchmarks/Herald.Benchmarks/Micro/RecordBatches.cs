using System.Buffers.Binary;

namespace Herald.Benchmarks.Micro;

/// <summary>
/// Builds well-formed Kafka v2 record batches (magic 2, CRC-32C, uncompressed) — what a producer sends and a
/// fetch returns — so the codec benchmarks carry realistic record bytes. The codec itself treats them as opaque.
/// </summary>
public static class RecordBatches
{
    private const int HeaderSize = 61;

    /// <summary>Concatenated batches of <paramref name="recordsPerBatch"/> records of <paramref name="valueSize"/> bytes, about <paramref name="totalBytes"/> long.</summary>
    public static byte[] Build(int totalBytes, int recordsPerBatch = 100, int valueSize = 100)
    {
        var output = new MemoryStream(totalBytes + 64 * 1024);
        long baseOffset = 0;
        var value = new byte[valueSize];
        new Random(7).NextBytes(value);
        while (output.Length < totalBytes)
        {
            output.Write(Batch(baseOffset, recordsPerBatch, value));
            baseOffset += recordsPerBatch;
        }

        return output.ToArray();
    }

    private static byte[] Batch(long baseOffset, int count, byte[] value)
    {
        var records = new MemoryStream();
        for (int i = 0; i < count; i++)
        {
            var body = new MemoryStream();
            body.WriteByte(0); // attributes
            WriteVarlong(body, 0); // timestamp delta
            WriteVarlong(body, i); // offset delta
            WriteVarlong(body, -1); // null key
            WriteVarlong(body, value.Length);
            body.Write(value);
            WriteVarlong(body, 0); // no headers
            WriteVarlong(records, body.Length);
            body.WriteTo(records);
        }

        var batch = new byte[HeaderSize + records.Length];
        var span = batch.AsSpan();
        long timestamp = 1_700_000_000_000;
        BinaryPrimitives.WriteInt64BigEndian(span, baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - 12); // batchLength: after the length field
        BinaryPrimitives.WriteInt32BigEndian(span[12..], 0); // partition leader epoch
        span[16] = 2; // magic
        BinaryPrimitives.WriteInt16BigEndian(span[21..], 0); // attributes
        BinaryPrimitives.WriteInt32BigEndian(span[23..], count - 1); // last offset delta
        BinaryPrimitives.WriteInt64BigEndian(span[27..], timestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[35..], timestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[43..], -1); // producer id
        BinaryPrimitives.WriteInt16BigEndian(span[51..], -1); // producer epoch
        BinaryPrimitives.WriteInt32BigEndian(span[53..], -1); // base sequence
        BinaryPrimitives.WriteInt32BigEndian(span[57..], count);
        records.ToArray().CopyTo(span[HeaderSize..]);
        BinaryPrimitives.WriteUInt32BigEndian(span[17..], Crc32C.Compute(span[21..]));
        return batch;
    }

    private static void WriteVarlong(Stream stream, long value)
    {
        ulong zigzag = (ulong)((value << 1) ^ (value >> 63));
        while (zigzag >= 0x80)
        {
            stream.WriteByte((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        stream.WriteByte((byte)zigzag);
    }
}

/// <summary>CRC-32C (Castagnoli), the checksum of a v2 record batch; table-driven, for building test data only.</summary>
public static class Crc32C
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0x82F63B78 ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
