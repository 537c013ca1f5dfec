using System.Runtime.InteropServices;
using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks.Metrics;

/// <summary>
/// <c>metrics</c>: what <c>/metrics</c> costs — scrape latency with 1,000 lagging partitions and 100 groups, the reads
/// a scrape makes, and the throughput cost of a scrape every second on the e2e produce/consume workload.
/// </summary>
public static class MetricsCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(MetricsOptions.Usage);
            return 0;
        }

        MetricsOptions options;
        try
        {
            options = MetricsOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(MetricsOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // As in e2e: the first signal stops the run (which stops its brokers), a second one kills them here.
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                cancel.Cancel();
                return;
            }

            ChildProcess.KillAll();
            Scratch.DeleteAll();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            var latency = options.RunLatency ? await ScrapeLatency.RunAsync(options, cancel.Token).ConfigureAwait(false) : null;
            var cost = options.RunCost ? await ScrapeCost.RunAsync(options, cancel.Token).ConfigureAwait(false) : null;
            var markdown = MetricsReport.Markdown(options, latency, cost);
            Console.WriteLine();
            Console.WriteLine(markdown);
            if (options.Out is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, markdown, CancellationToken.None).ConfigureAwait(false);
                Log($"wrote {path}");
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
            ChildProcess.KillAll();
            Scratch.DeleteAll();
        }
    }

    /// <summary>A progress line on stderr.</summary>
    internal static void Log(string line) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
}
