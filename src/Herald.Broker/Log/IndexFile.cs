using Microsoft.Win32.SafeHandles;

namespace Herald.Broker.Log;

/// <summary>A sparse index kept whole in memory and mirrored to a file of fixed-size big-endian entries.</summary>
/// <remarks>
/// One appender (under the partition lock) and lock-free readers: an entry is written before the
/// array that holds it is published, and the array before the count, so a reader that sees a count
/// also sees its entries.
/// </remarks>
internal abstract class IndexFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly int _entrySize;
    private byte[] _entries;
    private int _count;
    private int _persisted;

    protected IndexFile(string path, int entrySize)
    {
        Path = path;
        _entrySize = entrySize;
        _handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _entries = new byte[entrySize * 64];
    }

    public string Path { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Loads the file into memory; false if its length is not a whole number of entries.</summary>
    public bool Load()
    {
        var length = RandomAccess.GetLength(_handle);
        if (length % _entrySize != 0 || length > int.MaxValue / 2)
        {
            return false;
        }

        var entries = new byte[Math.Max((int)length, _entrySize * 64)];
        var read = 0;
        while (read < length)
        {
            var n = RandomAccess.Read(_handle, entries.AsSpan(read, (int)length - read), read);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        _entries = entries;
        _count = _persisted = (int)(length / _entrySize);
        return true;
    }

    /// <summary>Drops every entry, in memory and on disk, before a rebuild.</summary>
    public void Clear() => TruncateTo(0);

    public void TruncateTo(int count)
    {
        Volatile.Write(ref _count, count);
        _persisted = Math.Min(_persisted, count);
        RandomAccess.SetLength(_handle, (long)count * _entrySize);
    }

    /// <summary>Writes the entries added since the last call to the file in one write.</summary>
    public void Persist()
    {
        var count = _count;
        if (_persisted == count)
        {
            return;
        }

        RandomAccess.Write(_handle, _entries.AsSpan(_persisted * _entrySize, (count - _persisted) * _entrySize), (long)_persisted * _entrySize);
        _persisted = count;
    }

    public void Flush()
    {
        Persist();
        RandomAccess.FlushToDisk(_handle);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>The published entries, to be read with <see cref="Entry"/>.</summary>
    protected ReadOnlySpan<byte> Snapshot(out int count)
    {
        count = Volatile.Read(ref _count);
        var entries = Volatile.Read(ref _entries);
        count = Math.Min(count, entries.Length / _entrySize);
        return entries.AsSpan(0, count * _entrySize);
    }

    protected ReadOnlySpan<byte> Entry(ReadOnlySpan<byte> snapshot, int index) => snapshot.Slice(index * _entrySize, _entrySize);

    /// <summary>Returns the slot for a new entry; <see cref="Publish"/> makes it visible.</summary>
    protected Span<byte> NextSlot()
    {
        var needed = (_count + 1) * _entrySize;
        if (needed > _entries.Length)
        {
            var grown = new byte[_entries.Length * 2];
            _entries.AsSpan(0, _count * _entrySize).CopyTo(grown);
            Volatile.Write(ref _entries, grown);
        }

        return _entries.AsSpan(_count * _entrySize, _entrySize);
    }

    protected void Publish() => Volatile.Write(ref _count, _count + 1);
}
