using Herald.Protocol.Records;
using Microsoft.Win32.SafeHandles;

namespace Herald.Broker.Log;

/// <summary>One <c>{baseOffset:D20}.log</c> file with its offset, time and append-time indexes.</summary>
/// <remarks>
/// Written with positional writes by one appender under the partition lock; read with positional
/// reads by any thread, which only look at bytes below <see cref="Size"/> (published after the write).
/// </remarks>
internal sealed class LogSegment : IDisposable
{
    private long _size;
    private long _nextOffset;
    private long _bytesSinceIndexEntry;
    private bool _disposed;

    private LogSegment(string directory, long baseOffset)
    {
        BaseOffset = baseOffset;
        LogPath = System.IO.Path.Combine(directory, FileName(baseOffset, ".log"));
        Handle = File.OpenHandle(LogPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        OffsetIndex = new OffsetIndex(System.IO.Path.Combine(directory, FileName(baseOffset, ".index")));
        TimeIndex = new TimeIndex(System.IO.Path.Combine(directory, FileName(baseOffset, ".timeindex")));
        AppendTimeIndex = new AppendTimeIndex(System.IO.Path.Combine(directory, FileName(baseOffset, ".appendtime")));
        _size = RandomAccess.GetLength(Handle);
        _nextOffset = baseOffset;
    }

    public long BaseOffset { get; }

    public string LogPath { get; }

    public SafeFileHandle Handle { get; }

    public OffsetIndex OffsetIndex { get; }

    public TimeIndex TimeIndex { get; }

    /// <summary>When the broker appended each batch (millisecond precision); see <see cref="Log.AppendTimeIndex"/>.</summary>
    public AppendTimeIndex AppendTimeIndex { get; }

    /// <summary>Whether a control batch (transaction marker) was seen while this segment was appended or scanned.</summary>
    public bool ContainsControlBatches { get; private set; }

    /// <summary>Committed bytes: everything below is whole batches readers may use.</summary>
    public long Size => Volatile.Read(ref _size);

    /// <summary>The offset after the last batch in this segment.</summary>
    public long NextOffset => Volatile.Read(ref _nextOffset);

    /// <summary>The largest batch maxTimestamp in the segment, or -1.</summary>
    public long MaxTimestamp { get; private set; } = -1;

    /// <summary>The base offset of the batch holding <see cref="MaxTimestamp"/>.</summary>
    public long MaxTimestampBatchOffset { get; private set; } = -1;

    public static string FileName(long baseOffset, string extension) => baseOffset.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + extension;

    /// <summary>Opens (or creates) the files of the segment starting at <paramref name="baseOffset"/>.</summary>
    public static LogSegment Open(string directory, long baseOffset) => new(directory, baseOffset);

    /// <summary>Writes offset-assigned batches at the end of the file and indexes them.</summary>
    /// <param name="batches">Whole, validated batches whose base offsets are already assigned.</param>
    /// <param name="indexIntervalBytes">Bytes between sparse index entries.</param>
    /// <param name="nextOffset">The offset after the last batch.</param>
    /// <param name="appendTimeMs">The broker's clock at this append, Unix milliseconds.</param>
    public void Append(ReadOnlySpan<byte> batches, int indexIntervalBytes, long nextOffset, long appendTimeMs)
    {
        var position = _size;
        RandomAccess.Write(Handle, batches, position);
        if (RecordBatchHeader.TryParse(batches, out var first))
        {
            AppendTimeIndex.Add(appendTimeMs, (int)(first.BaseOffset - BaseOffset));
        }

        var rest = batches;
        while (RecordBatchHeader.TryParse(rest, out var header))
        {
            Track(header, position, indexIntervalBytes);
            position += header.TotalSize;
            rest = rest[header.TotalSize..];
        }

        OffsetIndex.Persist();
        TimeIndex.Persist();
        AppendTimeIndex.Persist();
        Volatile.Write(ref _size, position);
        Volatile.Write(ref _nextOffset, nextOffset);
    }

    /// <summary>Updates indexes and timestamps for a batch at <paramref name="position"/>; used by append and recovery.</summary>
    public void Track(in RecordBatchHeader header, long position, int indexIntervalBytes)
    {
        var relative = (int)(header.BaseOffset - BaseOffset);
        ContainsControlBatches |= header.IsControl;
        if (header.MaxTimestamp > MaxTimestamp)
        {
            MaxTimestamp = header.MaxTimestamp;
            MaxTimestampBatchOffset = header.BaseOffset;
        }

        // As Kafka: an entry once more than the interval has been written since the previous one.
        if (_bytesSinceIndexEntry > indexIntervalBytes)
        {
            OffsetIndex.Add(relative, (int)position);
            AddTimeIndexEntryIfNewer();
            _bytesSinceIndexEntry = 0;
        }

        _bytesSinceIndexEntry += header.TotalSize;
    }

    /// <summary>Sets the committed end after recovery or truncation.</summary>
    public void SetEnd(long size, long nextOffset)
    {
        Volatile.Write(ref _size, size);
        Volatile.Write(ref _nextOffset, nextOffset);
    }

    /// <summary>Restores the timestamp summary of a closed segment from its time index.</summary>
    public void SetMaxTimestamp(long timestamp, long batchOffset)
    {
        MaxTimestamp = timestamp;
        MaxTimestampBatchOffset = batchOffset;
    }

    /// <summary>Cuts the file at <paramref name="size"/>, dropping a torn or corrupt tail.</summary>
    public void Truncate(long size)
    {
        RandomAccess.SetLength(Handle, size);
        Volatile.Write(ref _size, size);
    }

    /// <summary>Records the final timestamp so a reopened closed segment knows its newest record.</summary>
    public void Seal()
    {
        AddTimeIndexEntryIfNewer();
        TimeIndex.Persist();
    }

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="position"/>; fewer only at end of file.</summary>
    public int ReadAt(Span<byte> destination, long position)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(Handle, destination[total..], position + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>fsyncs the log file only: enough for durability, since recovery rebuilds the active segment's indexes.</summary>
    public void FlushLog() => RandomAccess.FlushToDisk(Handle);

    public void Flush()
    {
        RandomAccess.FlushToDisk(Handle);
        OffsetIndex.Flush();
        TimeIndex.Flush();
        AppendTimeIndex.Flush();
    }

    /// <summary>Closes and removes the segment's files.</summary>
    public void Delete()
    {
        Dispose();
        File.Delete(LogPath);
        File.Delete(OffsetIndex.Path);
        File.Delete(TimeIndex.Path);
        File.Delete(AppendTimeIndex.Path);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        OffsetIndex.Persist();
        TimeIndex.Persist();
        AppendTimeIndex.Persist();
        Handle.Dispose();
        OffsetIndex.Dispose();
        TimeIndex.Dispose();
        AppendTimeIndex.Dispose();
    }

    private void AddTimeIndexEntryIfNewer()
    {
        if (MaxTimestamp < 0)
        {
            return;
        }

        var hasLast = TimeIndex.TryGetLast(out var lastTimestamp, out _);
        if (!hasLast || MaxTimestamp > lastTimestamp)
        {
            TimeIndex.Add(MaxTimestamp, (int)(MaxTimestampBatchOffset - BaseOffset));
        }
    }
}
