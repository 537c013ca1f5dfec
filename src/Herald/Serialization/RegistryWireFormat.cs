using System.Buffers.Binary;

namespace Herald.Serialization;

/// <summary>
/// Confluent's Schema Registry framing: magic byte <c>0</c>, then the schema id as a 4-byte big-endian integer, then
/// the payload. Confluent's serializers and deserializers read and write exactly this, so events cross both ways.
/// </summary>
public static class RegistryWireFormat
{
    /// <summary>The magic byte of the framing.</summary>
    public const byte MagicByte = 0;

    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 5;

    /// <summary>Writes the 5-byte header for <paramref name="schemaId"/>.</summary>
    public static void WriteHeader(Span<byte> destination, int schemaId)
    {
        destination[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], schemaId);
    }

    /// <summary>Reads the header; false when the data is not in this framing.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> data, out int schemaId, out int payloadOffset)
    {
        schemaId = 0;
        payloadOffset = 0;
        if (data.Length < HeaderSize || data[0] != MagicByte)
        {
            return false;
        }

        schemaId = BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        payloadOffset = HeaderSize;
        return true;
    }
}
