using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Herald.Benchmarks.E2e;
using Herald.Benchmarks.Metrics;
using Herald.Server;
using Herald.WebConsole;
using Herald.WebConsole.History;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Herald.Benchmarks.ConsolePages;

/// <summary>The history's memory and sampling time at scale.</summary>
/// <param name="Samples">Sample() calls made.</param>
/// <param name="Capacity">Samples each ring keeps.</param>
/// <param name="RingBytes"><c>ConsoleHistory.Bytes</c> after the calls: the rings' arrays.</param>
/// <param name="HeapGrowthBytes">Managed heap after the calls minus before (both after a full collection): rings, dictionaries, names, rate state.</param>
/// <param name="SampleMs">Time per Sample() call.</param>
/// <param name="Topics">Topic series the history holds.</param>
/// <param name="Groups">Group series the history holds.</param>
public sealed record HistoryResult(int Samples, int Capacity, long RingBytes, long HeapGrowthBytes, Distribution SampleMs, int Topics, int Groups);

/// <summary>One page's timings, or why it was not timed.</summary>
/// <param name="Path">The page.</param>
/// <param name="Status">The status of the first request.</param>
/// <param name="Bytes">The size of the page.</param>
/// <param name="Latency">Per-request wall time seen by the client in milliseconds; null when the page did not answer 200.</param>
public sealed record PageResult(string Path, HttpStatusCode Status, int Bytes, Distribution? Latency);

/// <summary>
/// <c>console</c>: what the web console costs at the scale — the history's memory after an hour of samples with
/// 1,000 partitions and 100 groups, and the server time of the topics, group and schema pages.
/// </summary>
public static class ConsoleCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(ConsoleBenchOptions.Usage);
            return 0;
        }

        ConsoleBenchOptions options;
        try
        {
            options = ConsoleBenchOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(ConsoleBenchOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            cancel.Cancel();
        });
        var data = Scratch.CreateDirectory("herald-console-bench-");
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

                    // The server's own sampler takes its first sample at start-up (an empty broker) and then, at once a
                    // day, none during the run: only the rig's calls sample, into rings of the default hour's size.
                    Console = new ConsoleOptions { SampleInterval = TimeSpan.FromDays(1), HistoryLength = TimeSpan.FromDays(options.Samples) },
                },
                cancel.Token).ConfigureAwait(false);
            Log($"seeding {options.Topics:N0} topics, a topic of {options.Partitions:N0} partitions, {options.Groups:N0} groups on all of them, {options.Subjects:N0} subjects and one of {options.Versions:N0} versions");
            var seeded = await ConsoleSeeder.SeedAsync(server.KafkaBootstrap, server.Registry, options, cancel.Token).ConfigureAwait(false);
            Log($"seeded ({seeded})");

            var history = Sample(server.Services.GetRequiredService<ConsoleHistory>(), options, cancel.Token);
            Log($"history: {history.RingBytes / 1048576.0:0.0} MiB in rings, heap +{history.HeapGrowthBytes / 1048576.0:0.0} MiB, sample p50 {history.SampleMs.P50:0.0} ms");

            using var http = new HttpClient { BaseAddress = server.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
            var pages = new List<PageResult>();
            foreach (var path in options.PagesToTime())
            {
                pages.Add(await TimeAsync(http, path, options, cancel.Token).ConfigureAwait(false));
                var last = pages[^1];
                Log(last.Latency is { } l ? $"{path}: p50 {l.P50:0.0} ms, p99 {l.P99:0.0} ms, {last.Bytes:N0} bytes" : $"{path}: HTTP {(int)last.Status}, not timed");
            }

            var markdown = ConsoleBenchReport.Markdown(options, seeded, history, pages);
            Console.WriteLine();
            Console.WriteLine(markdown);
            if (options.Out is { } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                await File.WriteAllTextAsync(file, markdown, CancellationToken.None).ConfigureAwait(false);
                Log($"wrote {file}");
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            Scratch.Delete(data);
        }
    }

    private static HistoryResult Sample(ConsoleHistory history, ConsoleBenchOptions options, CancellationToken cancellationToken)
    {
        Log($"history: {options.Samples} × ConsoleHistory.Sample()");
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var times = new List<double>(options.Samples);
        for (int i = 0; i < options.Samples; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long start = Stopwatch.GetTimestamp();
            history.Sample();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        return new HistoryResult(
            options.Samples,
            history.Capacity,
            history.Bytes,
            heapAfter - heapBefore,
            Distribution.Of(times),
            CountSeries(history, "console-topic-", options.Topics),
            CountSeries(history, "console-group-", options.Groups));
    }

    // ConsoleHistory has no count; its series answer by name, so the rig asks for each one it created.
    private static int CountSeries(ConsoleHistory history, string prefix, int count) =>
        Enumerable.Range(0, count).Count(i => prefix == "console-topic-"
            ? history.Topic(ConsoleBenchOptions.TopicName(i)).Times.Count > 0
            : history.Group(ConsoleBenchOptions.GroupName(i)).Times.Count > 0);

    private static async Task<PageResult> TimeAsync(HttpClient http, string path, ConsoleBenchOptions options, CancellationToken cancellationToken)
    {
        var (status, bytes) = await GetAsync(http, path, cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            return new PageResult(path, status, bytes, null);
        }

        for (int i = 0; i < options.Warmup; i++)
        {
            await GetAsync(http, path, cancellationToken).ConfigureAwait(false);
        }

        var samples = new List<double>(options.Requests);
        for (int i = 0; i < options.Requests; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await GetAsync(http, path, cancellationToken).ConfigureAwait(false);
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return new PageResult(path, status, bytes, Distribution.Of(samples));
    }

    private static async Task<(HttpStatusCode Status, int Bytes)> GetAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, body.Length);
    }

    /// <summary>A progress line on stderr.</summary>
    internal static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
