using Microsoft.Extensions.Logging;

namespace Herald.Broker.Log;

/// <summary>One partition's append-only log: segment files, sparse offset and time indexes, recovery, retention and idempotent-producer state.</summary>
/// <remarks>
/// Appends and segment changes are serialised by a lock per partition; reads take no lock. They
/// work on a published array of segments and read only bytes below a segment's committed size,
/// with positional reads, so a fetch never waits for a produce.
/// </remarks>
public sealed partial class PartitionLog : IDisposable
{
    private const string LogStartOffsetFile = "log-start-offset";
    private const string ProducerSnapshotFile = "producer-state.snapshot";

    // Guards appends, rolls, retention and the producer table. Readers never take it.
    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private LogSegment[] _segments = [];
    private ProducerStateTable _producers = new();
    private LogOptions _options;
    private long _logStartOffset;
    private long _logEndOffset;
    private long _lastAppendTimeMs = -1;
    private bool _disposed;

    private PartitionLog(string directory, LogOptions options, ILogger logger)
    {
        Directory = directory;
        _options = options;
        _logger = logger;
    }

    /// <summary>The directory that holds the segment files.</summary>
    public string Directory { get; }

    /// <summary>The topic's log settings; may be replaced at runtime and applies from the next append or retention pass.</summary>
    public LogOptions Options
    {
        get => Volatile.Read(ref _options);
        set => Volatile.Write(ref _options, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The first offset that may be read.</summary>
    public long LogStartOffset => Volatile.Read(ref _logStartOffset);

    /// <summary>The offset the next appended record will get.</summary>
    public long LogEndOffset => Volatile.Read(ref _logEndOffset);

    /// <summary>The bytes held in all segment files.</summary>
    public long SizeInBytes
    {
        get
        {
            var total = 0L;
            foreach (var segment in Volatile.Read(ref _segments))
            {
                total += segment.Size;
            }

            return total;
        }
    }

    /// <summary>The number of segment files, the active one included.</summary>
    public int SegmentCount => Volatile.Read(ref _segments).Length;

    private string LogStartOffsetPath => Path.Combine(Directory, LogStartOffsetFile);

    private string ProducerSnapshotPath => Path.Combine(Directory, ProducerSnapshotFile);

    /// <summary>The index of the segment that holds <paramref name="offset"/>: the last one whose base offset is not above it, or 0.</summary>
    private static int FindSegment(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1, found = 0;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (segments[mid].BaseOffset <= offset)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
}
