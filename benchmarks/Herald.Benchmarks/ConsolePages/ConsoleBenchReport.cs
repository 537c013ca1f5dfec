using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Herald.Benchmarks.ConsolePages;

/// <summary>Renders the <c>console</c> results as Markdown with the issue's targets checked.</summary>
public static class ConsoleBenchReport
{
    /// <summary>The issue's limit on a page's server time, in milliseconds.</summary>
    public const double MaxPageMs = 200;

    /// <summary>The issue's limit on the history's memory, in bytes.</summary>
    public const long MaxHistoryBytes = 50L * 1024 * 1024;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The whole report.</summary>
    public static string Markdown(ConsoleBenchOptions options, string seeded, HistoryResult history, IReadOnlyList<PageResult> pages)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}.");
        md.AppendLine(Inv, $"Set-up: {options.Topics:N0} single-partition topics and `{ConsoleBenchOptions.WideTopic}` with {options.Partitions:N0} partitions ({options.Topics + options.Partitions:N0} partitions), {options.RecordsPerPartition} records of 100 B on each; {options.Groups:N0} groups with committed offsets and no members, each {options.Lag} records behind on all {options.Partitions:N0} partitions of `{ConsoleBenchOptions.WideTopic}` ({options.Groups * options.Partitions:N0} lagging pairs); {options.Subjects:N0} one-version subjects and `{ConsoleBenchOptions.LongSubject}` with {options.Versions:N0} versions (seeding: {seeded}).");
        md.AppendLine();
        md.AppendLine(Inv, $"History — {history.Samples:N0} × `ConsoleHistory.Sample()` on the server's own history (rings of {history.Capacity:N0} samples; 360 is one hour at the default 10 s), {history.Topics + 1:N0} topic series and {history.Groups:N0} group series:");
        md.AppendLine();
        md.AppendLine("| Ring arrays (`ConsoleHistory.Bytes`) | Managed heap growth | Sample() p50 ms | p99 ms | max ms |");
        md.AppendLine("|--:|--:|--:|--:|--:|");
        md.AppendLine(Inv, $"| {MiB(history.RingBytes)} | {MiB(history.HeapGrowthBytes)} | {history.SampleMs.P50:0.0} | {history.SampleMs.P99:0.0} | {history.SampleMs.Max:0.0} |");
        md.AppendLine();
        md.AppendLine(Inv, $"Pages — {options.Requests:N0} sequential GETs each over loopback HTTP/1.1 after {options.Warmup:N0} untimed ones, timed by the client (so server time plus a loopback round trip):");
        md.AppendLine();
        md.AppendLine("| Page | Status | KiB | mean ms | p50 ms | p95 ms | p99 ms | max ms |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var page in pages)
        {
            if (page.Latency is { } l)
            {
                md.AppendLine(Inv, $"| `{page.Path}` | {(int)page.Status} | {page.Bytes / 1024.0:N0} | {l.Mean:0.0} | {l.P50:0.0} | {l.P95:0.0} | {l.P99:0.0} | {l.Max:0.0} |");
            }
            else
            {
                md.AppendLine(Inv, $"| `{page.Path}` | {(int)page.Status} | — | not timed: {(page.Status == System.Net.HttpStatusCode.NotFound ? "the page does not exist on this build" : "the page failed")} | | | | |");
            }
        }

        md.AppendLine();
        md.AppendLine("Targets:");
        md.AppendLine();
        md.AppendLine(Inv, $"- history < 50 MB at {options.Topics + options.Partitions:N0} partitions × {options.Groups:N0} groups: {Verdict(history.HeapGrowthBytes < MaxHistoryBytes, $"{MiB(history.HeapGrowthBytes)} heap growth ({MiB(history.RingBytes)} in rings)")}");
        foreach (var page in pages)
        {
            var line = page.Latency is { } l
                ? string.Create(Inv, $"- `{page.Path}` < {MaxPageMs:0} ms: {Verdict(l.P99 < MaxPageMs, string.Create(Inv, $"p99 {l.P99:0.0} ms"))}")
                : string.Create(Inv, $"- `{page.Path}`: pending (HTTP {(int)page.Status} on this build)");
            md.AppendLine(line);
        }

        return md.ToString();
    }

    private static string MiB(long bytes) => string.Create(Inv, $"{bytes / 1048576.0:0.00} MiB");

    private static string Verdict(bool met, string detail) => met ? $"met ({detail})" : $"**not met** ({detail})";
}
