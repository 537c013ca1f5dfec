using System.Buffers.Binary;
using System.Text;

namespace Herald.Protocol;

/// <summary>
/// Reads Kafka protocol primitives from one request or response body held in memory.
/// </summary>
/// <remarks>
/// Every length read from the wire is checked against the bytes that remain, so a malformed
/// frame fails with <see cref="KafkaProtocolException"/> instead of allocating what it claims.
/// <c>records</c> fields are returned as slices of the underlying memory, not copied.
/// </remarks>
public ref struct KafkaReader
{
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly ReadOnlySpan<byte> _span;

    /// <summary>Creates a reader over <paramref name="memory"/>.</summary>
    public KafkaReader(ReadOnlyMemory<byte> memory)
    {
        _memory = memory;
        _span = memory.Span;
        Position = 0;
    }

    /// <summary>The offset of the next byte to read.</summary>
    public int Position { get; set; }

    /// <summary>The number of bytes not read yet.</summary>
    public readonly int Remaining => _span.Length - Position;

    /// <summary>The position <paramref name="size"/> bytes ahead, checked against the end of the body.</summary>
    public readonly int CheckedEnd(int size)
    {
        if (size < 0 || size > Remaining)
        {
            throw KafkaProtocolException.Truncated(size, Remaining);
        }

        return Position + size;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if ((uint)count > (uint)Remaining)
        {
            throw KafkaProtocolException.Truncated(count, Remaining);
        }

        var slice = _span.Slice(Position, count);
        Position += count;
        return slice;
    }

    public bool ReadBool() => Take(1)[0] != 0;

    public sbyte ReadInt8() => (sbyte)Take(1)[0];

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2));

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    public double ReadFloat64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public Guid ReadUuid() => new(Take(16), bigEndian: true);

    /// <summary>An unsigned base-128 varint, as used for compact lengths and tagged fields (not zigzag).</summary>
    public int ReadUVarint()
    {
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = Take(1)[0];
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (result > int.MaxValue)
                {
                    throw new KafkaProtocolException($"unsigned varint {result} is too large");
                }

                return (int)result;
            }
        }

        throw new KafkaProtocolException("unsigned varint is longer than 5 bytes");
    }

    /// <summary>A length prefix: compact (uvarint, length+1, 0 = null → -1) or int16/int32.</summary>
    private int ReadLength(bool compact, bool wide) =>
        compact ? ReadUVarint() - 1 : wide ? ReadInt32() : ReadInt16();

    /// <summary>Reads a string; null is only accepted when <paramref name="nullable"/> is set.</summary>
    public string? ReadString(bool compact, bool nullable)
    {
        int length = ReadLength(compact, wide: false);
        if (length < 0)
        {
            return nullable ? null : throw new KafkaProtocolException("a non-nullable string was null");
        }

        return length == 0 ? string.Empty : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>Reads a byte array (copied: it may outlive the request buffer).</summary>
    public byte[]? ReadBytes(bool compact, bool nullable)
    {
        int length = ReadLength(compact, wide: true);
        if (length < 0)
        {
            return nullable ? null : throw new KafkaProtocolException("a non-nullable byte array was null");
        }

        return length == 0 ? Array.Empty<byte>() : Take(length).ToArray();
    }

    /// <summary>Reads a records field as a slice of the request buffer, without copying.</summary>
    public ReadOnlyMemory<byte>? ReadRecords(bool compact)
    {
        int length = ReadLength(compact, wide: true);
        if (length < 0)
        {
            return null;
        }

        int start = Position;
        Take(length);
        return _memory.Slice(start, length);
    }

    /// <summary>An array count, -1 for null; refuses counts that could not fit in the remaining bytes.</summary>
    public int ReadArrayLength(bool compact)
    {
        int count = ReadLength(compact, wide: true);
        if (count > Remaining)
        {
            throw new KafkaProtocolException($"array of {count} elements cannot fit in the {Remaining} bytes left");
        }

        return count < 0 ? -1 : count;
    }
}
