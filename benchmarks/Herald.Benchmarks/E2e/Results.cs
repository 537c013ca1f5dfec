using System.Diagnostics;

namespace Herald.Benchmarks.E2e;

/// <summary>A produce or consume run: what was moved, how long it took (first send to last acknowledgement/record).</summary>
public sealed record ThroughputResult(long Records, long Bytes, long ElapsedTicks, long Errors, string? FirstError)
{
    /// <summary>Elapsed time in seconds.</summary>
    public double Seconds => (double)ElapsedTicks / Stopwatch.Frequency;

    /// <summary>Records per second.</summary>
    public double RecordsPerSecond => Records / Seconds;

    /// <summary>Payload megabytes (10^6 bytes) per second.</summary>
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;
}

/// <summary>The fixed-rate latency run's shape.</summary>
/// <param name="Rate">Messages per second.</param>
/// <param name="Duration">Length of the measured part.</param>
/// <param name="Size">Value size in bytes (at least <see cref="LatencyPayload.MinimumSize"/>).</param>
/// <param name="Warmup">Length of the unmeasured warm-up at the same rate, sent first.</param>
public sealed record LatencyWorkload(int Rate, TimeSpan Duration, int Size, TimeSpan Warmup);

/// <summary>End-to-end latency of one run (receive − send, both read from <see cref="Stopwatch"/> in the rig).</summary>
/// <param name="Sent">Measured messages sent.</param>
/// <param name="Received">Measured messages received before the drain timeout.</param>
/// <param name="Errors">Failed sends (delivery/acknowledgement errors).</param>
/// <param name="AchievedRate">Measured messages per second actually sent.</param>
/// <param name="Percentiles">Latency percentiles in milliseconds.</param>
public sealed record LatencyResult(long Sent, long Received, long Errors, double AchievedRate, LatencyPercentiles Percentiles);

/// <summary>p50, p99, p99.9 and max in milliseconds.</summary>
public sealed record LatencyPercentiles(double P50, double P99, double P999, double Max);

/// <summary>One line of the results table; a failed row carries the error instead of numbers.</summary>
public sealed record RowResult(string Target, int Size, string Shape)
{
    /// <summary>Produce throughput.</summary>
    public ThroughputResult? Produce { get; set; }

    /// <summary>Consume throughput.</summary>
    public ThroughputResult? Consume { get; set; }

    /// <summary>Fixed-rate end-to-end latency (first row of each target only).</summary>
    public LatencyResult? Latency { get; set; }

    /// <summary>Broker peak RSS in bytes at the end of the row.</summary>
    public long? PeakRssBytes { get; set; }

    /// <summary>Why the row stopped, if it did.</summary>
    public string? Error { get; set; }
}
