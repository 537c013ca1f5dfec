namespace Herald.Broker.Groups;

/// <summary>Committed offsets of every group, kept in memory and in an append-only log file that is replayed on start.</summary>
/// <remarks>
/// One lock guards the maps and the file, so a commit is in the file before any reader sees it. A torn or corrupt tail
/// (a crash in the middle of an append) is cut off on start; the log is rewritten with only live records when it grew
/// beyond <see cref="CompactionRatio"/> times their size.
/// </remarks>
internal sealed class OffsetStore : IDisposable
{
    public const string FileName = "__consumer_offsets.log";

    private const int CompactionRatio = 4;
    private const long CompactionMinBytes = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<(string Topic, int Partition), CommittedOffset>> _groups = new(StringComparer.Ordinal);
    private readonly string _path;
    private readonly bool _flushToDisk;
    private FileStream _file;

    public OffsetStore(string dataDirectory, bool flushToDisk)
    {
        Directory.CreateDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, FileName);
        _flushToDisk = flushToDisk;
        long validLength = Replay();
        _file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read);
        if (_file.Length != validLength)
        {
            _file.SetLength(validLength);
            _file.Flush(flushToDisk: true);
        }
        _file.Position = validLength;
        if (validLength > CompactionMinBytes && validLength > CompactionRatio * LiveBytes())
        {
            Compact();
        }
    }

    /// <summary>The groups that hold at least one committed offset.</summary>
    public List<string> GroupIds()
    {
        lock (_gate)
        {
            return [.. _groups.Keys];
        }
    }

    public void Commit(string group, IReadOnlyList<(string Topic, int Partition, CommittedOffset Offset)> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }
        lock (_gate)
        {
            var batch = new MemoryStream();
            foreach (var (topic, partition, offset) in entries)
            {
                OffsetLogRecord.Commit(group, topic, partition, offset).WriteTo(batch);
            }
            Append(batch);
            foreach (var (topic, partition, offset) in entries)
            {
                Apply(OffsetLogRecord.Commit(group, topic, partition, offset));
            }
        }
    }

    public bool TryGet(string group, string topic, int partition, out CommittedOffset offset)
    {
        lock (_gate)
        {
            offset = default;
            return _groups.TryGetValue(group, out var offsets) && offsets.TryGetValue((topic, partition), out offset);
        }
    }

    /// <summary>All offsets of <paramref name="group"/>, ordered by topic and partition.</summary>
    public List<(string Topic, int Partition, CommittedOffset Offset)> GetAll(string group)
    {
        lock (_gate)
        {
            if (!_groups.TryGetValue(group, out var offsets))
            {
                return [];
            }
            return [.. offsets
                .OrderBy(e => e.Key.Topic, StringComparer.Ordinal)
                .ThenBy(e => e.Key.Partition)
                .Select(e => (e.Key.Topic, e.Key.Partition, e.Value))];
        }
    }

    public bool HasOffsets(string group)
    {
        lock (_gate)
        {
            return _groups.ContainsKey(group);
        }
    }

    public void DeletePartitions(string group, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        lock (_gate)
        {
            var batch = new MemoryStream();
            var records = new List<OffsetLogRecord>();
            foreach (var (topic, partition) in partitions)
            {
                if (_groups.TryGetValue(group, out var offsets) && offsets.ContainsKey((topic, partition)))
                {
                    var record = new OffsetLogRecord(OffsetLogRecordKind.DeletePartition, group, topic, partition, default);
                    record.WriteTo(batch);
                    records.Add(record);
                }
            }
            Append(batch);
            records.ForEach(Apply);
        }
    }

    public void DeleteGroup(string group)
    {
        lock (_gate)
        {
            if (!_groups.ContainsKey(group))
            {
                return;
            }
            var record = new OffsetLogRecord(OffsetLogRecordKind.DeleteGroup, group, "", 0, default);
            var batch = new MemoryStream();
            record.WriteTo(batch);
            Append(batch);
            Apply(record);
        }
    }

    public void DeleteTopic(string topic)
    {
        lock (_gate)
        {
            if (!_groups.Values.Any(offsets => offsets.Keys.Any(k => k.Topic == topic)))
            {
                return;
            }
            var record = new OffsetLogRecord(OffsetLogRecordKind.DeleteTopic, "", topic, 0, default);
            var batch = new MemoryStream();
            record.WriteTo(batch);
            Append(batch);
            Apply(record);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file.Dispose();
        }
    }

    private void Append(MemoryStream batch)
    {
        if (batch.Length == 0)
        {
            return;
        }
        _file.Write(batch.GetBuffer(), 0, (int)batch.Length);
        // Flush to the OS on every append so a killed process loses nothing; fsync only when asked.
        _file.Flush(flushToDisk: _flushToDisk);
    }

    private void Apply(OffsetLogRecord record)
    {
        switch (record.Kind)
        {
            case OffsetLogRecordKind.Commit:
                if (!_groups.TryGetValue(record.Group, out var offsets))
                {
                    offsets = [];
                    _groups[record.Group] = offsets;
                }
                offsets[(record.Topic, record.Partition)] = record.Offset;
                break;
            case OffsetLogRecordKind.DeletePartition:
                if (_groups.TryGetValue(record.Group, out offsets) && offsets.Remove((record.Topic, record.Partition)) && offsets.Count == 0)
                {
                    _groups.Remove(record.Group);
                }
                break;
            case OffsetLogRecordKind.DeleteGroup:
                _groups.Remove(record.Group);
                break;
            case OffsetLogRecordKind.DeleteTopic:
                foreach (var (group, groupOffsets) in _groups.ToList())
                {
                    foreach (var key in groupOffsets.Keys.Where(k => k.Topic == record.Topic).ToList())
                    {
                        groupOffsets.Remove(key);
                    }
                    if (groupOffsets.Count == 0)
                    {
                        _groups.Remove(group);
                    }
                }
                break;
        }
    }

    /// <summary>Loads the log and returns the length of its valid prefix.</summary>
    private long Replay()
    {
        if (!File.Exists(_path))
        {
            return 0;
        }
        var data = File.ReadAllBytes(_path);
        int position = 0;
        while (OffsetLogRecord.TryRead(data.AsSpan(position), out var record, out int consumed))
        {
            Apply(record);
            position += consumed;
        }
        return position;
    }

    private long LiveBytes()
    {
        long total = 0;
        foreach (var (group, offsets) in _groups)
        {
            foreach (var (key, offset) in offsets)
            {
                total += OffsetLogRecord.HeaderSize + OffsetLogRecord.Commit(group, key.Topic, key.Partition, offset).PayloadSize;
            }
        }
        return total;
    }

    private void Compact()
    {
        string temporary = _path + ".compacting";
        using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var (group, offsets) in _groups)
            {
                foreach (var (key, offset) in offsets)
                {
                    OffsetLogRecord.Commit(group, key.Topic, key.Partition, offset).WriteTo(output);
                }
            }
            output.Flush(flushToDisk: true);
        }
        _file.Dispose();
        File.Move(temporary, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Open, FileAccess.Write, FileShare.Read);
        _file.Position = _file.Length;
    }
}
