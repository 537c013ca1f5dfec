using System.Buffers.Binary;
using System.Numerics;

namespace Herald.Protocol.Records;

/// <summary>CRC-32C (Castagnoli), the checksum of Kafka record batches v2.</summary>
/// <remarks>
/// Not <c>System.IO.Hashing.Crc32</c>: that is the IEEE polynomial. This uses the SSE 4.2 / ARMv8
/// CRC instructions through <see cref="BitOperations.Crc32C(uint, ulong)"/>, 8 bytes at a time.
/// </remarks>
public static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(uint.MaxValue, data);

    /// <summary>Continues a CRC over more data. Start with <see cref="uint.MaxValue"/> and invert the final value.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        // The CRC is bit-reflected, so feeding 8 bytes as a little-endian word processes them in stream order.
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        if (data.Length >= 4)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
