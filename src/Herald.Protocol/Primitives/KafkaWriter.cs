using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Herald.Protocol;

/// <summary>
/// Writes Kafka protocol primitives into a growable buffer rented from <see cref="ArrayPool{T}"/>.
/// </summary>
/// <remarks>Dispose returns the buffer to the pool; the written bytes are invalid afterwards.</remarks>
public sealed class KafkaWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _length;

    /// <summary>Creates a writer with at least <paramref name="initialCapacity"/> bytes of room.</summary>
    public KafkaWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>The number of bytes written.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The bytes written so far.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>Forgets what was written, keeping the buffer.</summary>
    public void Reset() => _length = 0;

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(Math.Max(sizeHint, 1));
        return _buffer.AsSpan(_length);
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - _length >= count)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private Span<byte> Take(int count)
    {
        Ensure(count);
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    /// <summary>Reserves <paramref name="count"/> bytes to be filled in later (e.g. a size prefix) and returns their offset.</summary>
    public int Reserve(int count)
    {
        int at = _length;
        Take(count);
        return at;
    }

    /// <summary>Overwrites an int32 at <paramref name="offset"/>, e.g. a reserved size prefix.</summary>
    public void PatchInt32(int offset, int value) => BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(offset, 4), value);

    public void WriteBool(bool value) => Take(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt8(sbyte value) => Take(1)[0] = (byte)value;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Take(2), value);

    public void WriteUInt16(ushort value) => BinaryPrimitives.WriteUInt16BigEndian(Take(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Take(4), value);

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Take(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Take(8), value);

    public void WriteFloat64(double value) => BinaryPrimitives.WriteDoubleBigEndian(Take(8), value);

    public void WriteUuid(Guid value) => value.TryWriteBytes(Take(16), bigEndian: true, out _);

    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Take(bytes.Length));

    /// <summary>An unsigned base-128 varint (not zigzag).</summary>
    public void WriteUVarint(int value)
    {
        uint v = (uint)value;
        while (v >= 0x80)
        {
            Take(1)[0] = (byte)(v | 0x80);
            v >>= 7;
        }

        Take(1)[0] = (byte)v;
    }

    private void WriteLength(int length, bool compact, bool wide)
    {
        if (compact)
        {
            WriteUVarint(length + 1);
        }
        else if (wide)
        {
            WriteInt32(length);
        }
        else
        {
            WriteInt16(checked((short)length));
        }
    }

    public void WriteString(string? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, wide: false);
            return;
        }

        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteLength(byteCount, compact, wide: false);
        Encoding.UTF8.GetBytes(value, Take(byteCount));
    }

    public void WriteBytes(byte[]? value, bool compact)
    {
        if (value is null)
        {
            WriteLength(-1, compact, wide: true);
            return;
        }

        WriteLength(value.Length, compact, wide: true);
        WriteRaw(value);
    }

    public void WriteRecords(ReadOnlyMemory<byte>? value, bool compact)
    {
        if (value is not { } records)
        {
            WriteLength(-1, compact, wide: true);
            return;
        }

        WriteLength(records.Length, compact, wide: true);
        WriteRaw(records.Span);
    }

    public void WriteArrayLength(int count, bool compact) => WriteLength(count, compact, wide: true);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = Array.Empty<byte>();
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
