using System.Buffers;
using Herald.Protocol.Records;

namespace Herald.Broker.Log;

/// <summary>Walks the batches of a segment file in order, in large sequential reads, stopping at the first bad one.</summary>
/// <remarks>Used by recovery and index rebuilds, not by the produce/fetch path.</remarks>
internal sealed class BatchScanner : IDisposable
{
    private const int ChunkSize = 1 << 20;

    private readonly LogSegment _segment;
    private readonly bool _validateCrc;
    private readonly long _fileLength;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;
    private long _expectedOffset;

    public BatchScanner(LogSegment segment, bool validateCrc)
    {
        _segment = segment;
        _validateCrc = validateCrc;
        _fileLength = RandomAccess.GetLength(segment.Handle);
        _buffer = ArrayPool<byte>.Shared.Rent(validateCrc ? ChunkSize : 64 * 1024);
        _expectedOffset = segment.BaseOffset;
    }

    /// <summary>The file position after the last good batch.</summary>
    public long Position { get; private set; }

    /// <summary>The offset after the last good batch.</summary>
    public long NextOffset => _expectedOffset;

    /// <summary>Why the scan stopped before the end of the file, or null.</summary>
    public string? StopReason { get; private set; }

    public bool TryReadNext(out RecordBatchHeader header, out long position)
    {
        position = Position;
        header = default;
        if (Position >= _fileLength)
        {
            return false;
        }

        if (!Ensure(Position, RecordBatchHeader.Size))
        {
            return Stop("torn batch header");
        }

        RecordBatchHeader.TryParse(Slice(Position, RecordBatchHeader.Size), out header);
        if (header.Magic != 2 || header.BatchLength < RecordBatchHeader.MinBatchLength || header.LastOffsetDelta < 0)
        {
            return Stop("invalid batch header");
        }

        if (header.BaseOffset != _expectedOffset)
        {
            return Stop($"batch base offset {header.BaseOffset} where {_expectedOffset} was expected");
        }

        if (header.BatchLength > _fileLength - Position - RecordBatchHeader.LogOverhead)
        {
            return Stop("torn batch");
        }

        if (_validateCrc)
        {
            if (!Ensure(Position, header.TotalSize))
            {
                return Stop("torn batch");
            }

            if (!header.IsCrcValid(Slice(Position, header.TotalSize)))
            {
                return Stop("CRC mismatch");
            }
        }

        Position += header.TotalSize;
        _expectedOffset = header.LastOffset + 1;
        return true;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    private bool Stop(string reason)
    {
        StopReason = reason;
        return false;
    }

    private ReadOnlySpan<byte> Slice(long position, int count) => _buffer.AsSpan((int)(position - _bufferStart), count);

    private bool Ensure(long position, int count)
    {
        if (position >= _bufferStart && position + count <= _bufferStart + _bufferLength)
        {
            return true;
        }

        if (count > _buffer.Length)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(count);
        }

        var wanted = (int)Math.Min(_buffer.Length, _fileLength - position);
        _bufferStart = position;
        _bufferLength = _segment.ReadAt(_buffer.AsSpan(0, wanted), position);
        return _bufferLength >= count;
    }
}
