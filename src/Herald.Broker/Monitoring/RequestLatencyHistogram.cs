using System.Diagnostics;

namespace Herald.Broker.Monitoring;

/// <summary>Broker request latency per API key in fixed Prometheus buckets, lock-free.</summary>
/// <remarks>
/// The time runs from a decoded request to its response being ready, so a long-polling Fetch counts its wait
/// (up to the client's <c>fetch.wait.max.ms</c>).
/// </remarks>
public sealed class RequestLatencyHistogram
{
    /// <summary>The upper bounds in seconds of the finite buckets.</summary>
    public static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private const int MaxApiKey = 128;
    private readonly long[]?[] _buckets = new long[MaxApiKey][];
    private readonly long[] _sumTicks = new long[MaxApiKey];

    /// <summary>Adds one request of <paramref name="apiKey"/> that took <paramref name="elapsedTicks"/> <see cref="Stopwatch"/> ticks.</summary>
    public void Record(short apiKey, long elapsedTicks)
    {
        if ((uint)apiKey >= MaxApiKey)
        {
            return;
        }

        var buckets = Volatile.Read(ref _buckets[apiKey]) ?? Allocate(apiKey);
        var seconds = elapsedTicks / (double)Stopwatch.Frequency;
        var index = 0;
        while (index < Bounds.Length && seconds > Bounds[index])
        {
            index++;
        }

        // Non-cumulative counts; the last slot is +Inf. Rendering accumulates.
        Interlocked.Increment(ref buckets[index]);
        Interlocked.Add(ref _sumTicks[apiKey], elapsedTicks);
    }

    /// <summary>The API keys seen so far, each with its cumulative bucket counts (the last is +Inf, equal to the count) and sum of seconds.</summary>
    public IReadOnlyList<(short ApiKey, long[] CumulativeCounts, double SumSeconds)> Snapshot()
    {
        var result = new List<(short, long[], double)>();
        for (short key = 0; key < MaxApiKey; key++)
        {
            var buckets = Volatile.Read(ref _buckets[key]);
            if (buckets is null)
            {
                continue;
            }

            var cumulative = new long[buckets.Length];
            long running = 0;
            for (var i = 0; i < buckets.Length; i++)
            {
                running += Interlocked.Read(ref buckets[i]);
                cumulative[i] = running;
            }

            result.Add((key, cumulative, Interlocked.Read(ref _sumTicks[key]) / (double)Stopwatch.Frequency));
        }

        return result;
    }

    private long[] Allocate(short apiKey)
    {
        Interlocked.CompareExchange(ref _buckets[apiKey], new long[Bounds.Length + 1], null);
        return _buckets[apiKey]!;
    }
}
