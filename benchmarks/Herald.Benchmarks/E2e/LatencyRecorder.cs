using System.Diagnostics;

namespace Herald.Benchmarks.E2e;

/// <summary>
/// Keeps every latency sample (Stopwatch ticks) in a preallocated array and reads exact percentiles from the
/// sorted array — what an HdrHistogram gives, without its bucketing error or a package. One writer thread.
/// </summary>
public sealed class LatencyRecorder(int capacity)
{
    private long[] _samples = new long[Math.Max(capacity, 16)];

    /// <summary>Samples recorded.</summary>
    public int Count { get; private set; }

    /// <summary>Records one receive − send difference in Stopwatch ticks.</summary>
    public void Record(long ticks)
    {
        if (Count == _samples.Length)
        {
            Array.Resize(ref _samples, _samples.Length * 2);
        }

        _samples[Count++] = ticks;
    }

    /// <summary>p50, p99, p99.9 and max in milliseconds (nearest-rank); zeros when nothing was recorded.</summary>
    public LatencyPercentiles Percentiles()
    {
        if (Count == 0)
        {
            return new LatencyPercentiles(0, 0, 0, 0);
        }

        var sorted = _samples.AsSpan(0, Count);
        sorted.Sort();
        return new LatencyPercentiles(At(sorted, 0.50), At(sorted, 0.99), At(sorted, 0.999), ToMs(sorted[^1]));
    }

    private static double At(ReadOnlySpan<long> sorted, double quantile)
    {
        int rank = (int)Math.Ceiling(quantile * sorted.Length);
        return ToMs(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)]);
    }

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
