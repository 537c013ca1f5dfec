namespace Herald.Broker.Log;

/// <summary>How a partition log stores, indexes, flushes and expires its segments.</summary>
/// <remarks>Per-topic configs (<c>segment.bytes</c>, <c>retention.ms</c>, ...) map onto these properties.</remarks>
public sealed record LogOptions
{
    /// <summary><c>segment.bytes</c>: roll to a new segment file after this many bytes. Default 1 GiB.</summary>
    public long SegmentBytes { get; init; } = 1L << 30;

    /// <summary><c>retention.ms</c>: delete segments whose newest record is older than this; -1 keeps forever. Default 7 days.</summary>
    public long RetentionMs { get; init; } = 7L * 24 * 60 * 60 * 1000;

    /// <summary><c>retention.bytes</c>: delete the oldest segments while the partition is bigger than this; -1 means no limit.</summary>
    public long RetentionBytes { get; init; } = -1;

    /// <summary><c>index.interval.bytes</c>: add a sparse index entry every this many bytes. Default 4096.</summary>
    public int IndexIntervalBytes { get; init; } = 4096;

    /// <summary><c>max.message.bytes</c>: the largest record batch accepted. Default 1048588 as in Kafka.</summary>
    public int MaxMessageBytes { get; init; } = 1048588;

    /// <summary>When appended bytes are forced to stable storage.</summary>
    public FlushPolicy Flush { get; init; } = FlushPolicy.None;

    /// <summary>The clock that stamps append times (lag in seconds is measured against it). Default the system clock; tests drive their own.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>When a partition log calls fsync.</summary>
public enum FlushPolicy
{
    /// <summary>Rely on the OS page cache, as Kafka does by default: an acknowledged record survives a killed process, not a power loss.</summary>
    None,

    /// <summary>fsync before an append is acknowledged: survives power loss, costs a disk flush per produce request.</summary>
    EveryAppend,
}
