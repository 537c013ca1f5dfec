using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    /// <summary>Opens the log in <paramref name="directory"/>, creating it if missing, and recovers it.</summary>
    public static PartitionLog Open(string directory, LogOptions options) => Open(directory, options, null);

    /// <summary>Opens the log in <paramref name="directory"/>, creating it if missing, and recovers it.</summary>
    /// <remarks>
    /// Recovery trusts the indexes of closed segments when they are consistent and rebuilds them
    /// otherwise. The last segment is always scanned batch by batch with its CRCs checked and cut at
    /// the first torn or corrupt batch (a crash mid-write), so a damaged tail never stops start-up;
    /// <paramref name="logger"/> gets a warning when that happens. Idempotent-producer state comes
    /// from the snapshot written on roll and close plus a scan of batch headers after it.
    /// </remarks>
    public static PartitionLog Open(string directory, LogOptions options, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        System.IO.Directory.CreateDirectory(directory);
        var log = new PartitionLog(directory, options, logger ?? NullLogger.Instance);
        try
        {
            log.Recover();
        }
        catch
        {
            log.CloseSegments();
            throw;
        }

        return log;
    }

    private void Recover()
    {
        var checkpoint = ReadLogStartOffsetCheckpoint();
        var bases = ListSegmentBaseOffsets();
        if (bases.Count == 0)
        {
            bases.Add(Math.Max(checkpoint, 0));
        }

        var segments = new LogSegment[bases.Count];
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = LogSegment.Open(Directory, bases[i]);
        }

        _segments = segments;
        foreach (var segment in segments)
        {
            // Append times cannot be rebuilt from the batches: keep what the file has, or nothing if it is torn.
            if (!segment.AppendTimeIndex.Load())
            {
                segment.AppendTimeIndex.Clear();
            }
        }

        for (var i = 0; i < segments.Length - 1; i++)
        {
            RecoverClosedSegment(segments[i], segments[i + 1].BaseOffset);
        }

        var active = segments[^1];
        RebuildSegment(active, validateCrc: true, truncate: true);
        _logEndOffset = active.NextOffset;
        _lastAppendTimeMs = LastAppendTimeOf(segments);
        _logStartOffset = Math.Min(Math.Max(checkpoint, segments[0].BaseOffset), _logEndOffset);
        RecoverProducerState(segments);
    }

    private List<long> ListSegmentBaseOffsets()
    {
        var bases = new List<long>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*.log"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            if (name.Length == 20 && long.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var baseOffset))
            {
                bases.Add(baseOffset);
            }
        }

        bases.Sort();
        return bases;
    }

    private void RecoverClosedSegment(LogSegment segment, long nextBaseOffset)
    {
        var size = RandomAccess.GetLength(segment.Handle);
        var consistent = segment.OffsetIndex.Load()
            && segment.TimeIndex.Load()
            && segment.OffsetIndex.IsConsistent(size, nextBaseOffset - segment.BaseOffset - 1)
            && segment.TimeIndex.IsConsistent(nextBaseOffset - segment.BaseOffset - 1)
            && (size == 0 || segment.TimeIndex.Count > 0);
        if (!consistent)
        {
            _logger.RebuildingIndexes(segment.LogPath);
            RebuildSegment(segment, validateCrc: false, truncate: false);
            segment.Seal();
            return;
        }

        segment.SetEnd(size, nextBaseOffset);
        if (segment.TimeIndex.TryGetLast(out var timestamp, out var relativeOffset))
        {
            segment.SetMaxTimestamp(timestamp, segment.BaseOffset + relativeOffset);
        }
    }

    /// <summary>Re-indexes a segment from its batches and stops it at the first bad one.</summary>
    /// <param name="segment">The segment.</param>
    /// <param name="validateCrc">Check every batch's CRC (the active segment) or only walk headers.</param>
    /// <param name="truncate">Cut the file after the last good batch; closed segments are only fenced, so later segments stay reachable.</param>
    private void RebuildSegment(LogSegment segment, bool validateCrc, bool truncate)
    {
        segment.OffsetIndex.Clear();
        segment.TimeIndex.Clear();
        var indexInterval = Options.IndexIntervalBytes;
        using var scanner = new BatchScanner(segment, validateCrc);
        while (scanner.TryReadNext(out var header, out var position))
        {
            segment.Track(header, position, indexInterval);
        }

        var length = RandomAccess.GetLength(segment.Handle);
        if (scanner.StopReason is { } reason)
        {
            if (truncate)
            {
                _logger.TruncatingSegment(segment.LogPath, scanner.Position, length, reason);
                segment.Truncate(scanner.Position);
            }
            else
            {
                _logger.DamagedClosedSegment(segment.LogPath, scanner.Position, length, reason);
            }
        }

        segment.SetEnd(scanner.Position, scanner.NextOffset);
        segment.AppendTimeIndex.TruncateAbove(scanner.NextOffset - segment.BaseOffset);
        segment.OffsetIndex.Persist();
        segment.TimeIndex.Persist();
    }

    private void RecoverProducerState(LogSegment[] segments)
    {
        var active = segments[^1];
        var first = 0;
        if (ProducerStateTable.TryLoad(ProducerSnapshotPath, out var snapshot, out var snapshotOffset)
            && snapshotOffset >= active.BaseOffset
            && snapshotOffset <= _logEndOffset)
        {
            // Replaying batches the snapshot already holds is harmless: updates are idempotent by offset.
            _producers = snapshot;
            first = segments.Length - 1;
        }
        else
        {
            _producers = new ProducerStateTable();
        }

        for (var i = first; i < segments.Length; i++)
        {
            using var scanner = new BatchScanner(segments[i], validateCrc: false);
            while (scanner.TryReadNext(out var header, out var position) && position < segments[i].Size)
            {
                _producers.Update(header);
            }
        }
    }

    private long ReadLogStartOffsetCheckpoint()
    {
        try
        {
            var text = File.ReadAllText(LogStartOffsetPath);
            return long.TryParse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    private void WriteLogStartOffsetCheckpoint(long offset)
    {
        var temp = LogStartOffsetPath + ".tmp";
        File.WriteAllText(temp, offset.ToString(CultureInfo.InvariantCulture));
        File.Move(temp, LogStartOffsetPath, overwrite: true);
    }

    private void CloseSegments()
    {
        foreach (var segment in _segments)
        {
            segment.Dispose();
        }
    }
}
