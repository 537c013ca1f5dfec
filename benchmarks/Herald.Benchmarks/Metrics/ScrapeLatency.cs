using System.Diagnostics;
using Herald.Benchmarks.E2e;
using Herald.Server;
using Microsoft.Extensions.Logging;

namespace Herald.Benchmarks.Metrics;

/// <summary>One timed loop: latency per call and what the whole rig process spent and read over the loop.</summary>
/// <param name="Latency">Per-call wall time in milliseconds.</param>
/// <param name="Io">Read counters over the loop (see <see cref="ProcessIo"/>).</param>
/// <param name="CpuMs">CPU time of the whole process over the loop (client, server and anything else in it).</param>
/// <param name="AllocatedBytes">Bytes allocated by the whole process over the loop.</param>
/// <param name="Collections">Garbage collections of any generation over the loop (each reads <c>/proc/meminfo</c> for the memory load).</param>
/// <param name="Gen2Collections">Of those, full (generation 2) collections.</param>
/// <param name="GcPauseMs">Time the runtime had every managed thread paused for collections over the loop.</param>
public sealed record LoopResult(Distribution Latency, ProcessIo Io, double CpuMs, long AllocatedBytes, int Collections, int Gen2Collections, double GcPauseMs);

/// <summary>The scrape-latency part's figures.</summary>
public sealed record ScrapeLatencyResult(
    string SeedTimes,
    int Groups,
    int LaggingPairs,
    int ResponseBytes,
    int Series,
    LoopResult Health,
    LoopResult Metrics,
    LoopResult Lag);

/// <summary>
/// Hosts Herald in-process with the lagging set-up, then times sequential <c>GET /health</c> (the HTTP round trip
/// alone), <c>GET /metrics</c> and <c>broker.ConsumerLag.GetAll()</c> (the lag computation alone), reading the process's
/// I/O counters around each loop. No Kafka client is alive during the loops, so the counters hold the broker and the
/// HTTP client only.
/// </summary>
public static class ScrapeLatency
{
    /// <summary>Runs the part.</summary>
    public static async Task<ScrapeLatencyResult> RunAsync(MetricsOptions options, CancellationToken cancellationToken)
    {
        var data = Scratch.CreateDirectory("herald-metrics-bench-");
        try
        {
            await using var server = await HeraldServer.StartAsync(
                new HeraldServerOptions
                {
                    DataDirectory = data,
                    KafkaListen = "127.0.0.1:0",
                    HttpListen = "127.0.0.1:0",
                    RegistryListen = "127.0.0.1:0",
                    ConfigureLogging = l => l.SetMinimumLevel(LogLevel.Warning),
                },
                cancellationToken).ConfigureAwait(false);
            MetricsCommand.Log($"scrape latency: seeding {options.Topics} topics × {options.PartitionsPerTopic} partitions, {options.Groups} groups");
            var seeded = await LagSeeder.SeedAsync(server.KafkaBootstrap, options, cancellationToken).ConfigureAwait(false);
            MetricsCommand.Log($"scrape latency: seeded ({seeded})");

            using var http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
            var first = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var lagging = ScrapeText.LaggingPairs(first);
            var groups = server.Broker.ConsumerLag.GetAll().Count;
            if (lagging < options.LaggingPairs || groups < options.Groups)
            {
                throw new InvalidOperationException($"set-up incomplete: {groups} groups and {lagging} lagging pairs in /metrics, expected {options.Groups} and {options.LaggingPairs}");
            }

            Func<Task> health = () => GetAsync(http, "/health", cancellationToken);
            Func<Task> metrics = () => GetAsync(http, "/metrics", cancellationToken);
            Func<Task> lag = () =>
            {
                _ = server.Broker.ConsumerLag.GetAll();
                return Task.CompletedTask;
            };
            MetricsCommand.Log($"scrape latency: warm-up ({options.Warmup} of each)");
            foreach (var call in new[] { health, metrics, lag })
            {
                for (int i = 0; i < options.Warmup; i++)
                {
                    await call().ConfigureAwait(false);
                }
            }

            MetricsCommand.Log($"scrape latency: {options.Scrapes} × GET /health, GET /metrics, ConsumerLag.GetAll()");
            var healthLoop = await LoopAsync(options.Scrapes, health).ConfigureAwait(false);
            var metricsLoop = await LoopAsync(options.Scrapes, metrics).ConfigureAwait(false);
            var lagLoop = await LoopAsync(options.Scrapes, lag).ConfigureAwait(false);
            var last = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative), cancellationToken).ConfigureAwait(false);
            return new ScrapeLatencyResult(
                seeded,
                groups,
                ScrapeText.LaggingPairs(last),
                System.Text.Encoding.UTF8.GetByteCount(last),
                ScrapeText.SeriesCount(last),
                healthLoop,
                metricsLoop,
                lagLoop);
        }
        finally
        {
            Scratch.Delete(data);
        }
    }

    private static async Task GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<LoopResult> LoopAsync(int count, Func<Task> call)
    {
        var samples = new List<double>(count);
        // Environment.CpuUsage is getrusage, not a /proc read, so it does not show up in the I/O counters.
        var cpu = Environment.CpuUsage.TotalTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        int collections = GC.CollectionCount(0), gen2 = GC.CollectionCount(2);
        var paused = GC.GetTotalPauseDuration();
        var io = ProcessIo.Now();
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await call().ConfigureAwait(false);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        var read = ProcessIo.Now().Since(io);
        return new LoopResult(
            Distribution.Of(samples),
            read,
            (Environment.CpuUsage.TotalTime - cpu).TotalMilliseconds,
            GC.GetTotalAllocatedBytes(precise: true) - allocated,
            GC.CollectionCount(0) - collections,
            GC.CollectionCount(2) - gen2,
            (GC.GetTotalPauseDuration() - paused).TotalMilliseconds);
    }
}
