using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks.Metrics;

/// <summary>Renders the <c>metrics</c> results as Markdown with the issue's two targets checked.</summary>
public static class MetricsReport
{
    /// <summary>The issue's latency target for one scrape, in milliseconds (p99).</summary>
    public const double MaxScrapeP99Ms = 50;

    /// <summary>The issue's limit on the throughput lost to a scrape every second.</summary>
    public const double MaxThroughputCost = 0.03;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The whole report.</summary>
    public static string Markdown(MetricsOptions options, ScrapeLatencyResult? latency, IReadOnlyList<CostRound>? cost)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, Confluent.Kafka {typeof(Confluent.Kafka.Library).Assembly.GetName().Version?.ToString(3)}; load average at the end (1/5/15 min): {LoadAverage()}");
        md.AppendLine(Inv, $"Set-up: {options.Topics:N0} topics × {options.PartitionsPerTopic:N0} partitions = {options.Topics * options.PartitionsPerTopic:N0} partitions, {options.RecordsPerPartition:N0} records of 100 B each; {options.Groups:N0} groups with committed offsets and no members, each {options.Lag:N0} records behind on every partition of one topic = {options.LaggingPairs:N0} lagging (group, partition) pairs.");
        if (latency is not null)
        {
            WriteLatency(md, options, latency);
        }

        if (cost is not null)
        {
            WriteCost(md, options, cost, latency);
        }

        return md.ToString();
    }

    private static void WriteLatency(StringBuilder md, MetricsOptions options, ScrapeLatencyResult r)
    {
        md.AppendLine();
        md.AppendLine(Inv, $"Scrape latency — Herald in-process, {options.Scrapes:N0} sequential requests of each kind over loopback HTTP/1.1 after {options.Warmup:N0} untimed ones (seeding: {r.SeedTimes}).");
        md.AppendLine(Inv, $"`/metrics` answer: {r.ResponseBytes:N0} bytes, {r.Series:N0} series, {r.LaggingPairs:N0} lagging pairs, {r.Groups:N0} groups.");
        md.AppendLine();
        md.AppendLine("| Call | mean ms | p50 ms | p95 ms | p99 ms | max ms | process CPU ms/call | KiB allocated/call | GCs/call (gen 2) | GC pause ms/call | read syscalls/call | bytes read/call | storage bytes read/call |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        Row(md, "`GET /health` (HTTP baseline)", r.Health, options.Scrapes);
        Row(md, "`GET /metrics`", r.Metrics, options.Scrapes);
        Row(md, "`ConsumerLag.GetAll()` alone", r.Lag, options.Scrapes);

        double extraSyscalls = (double)(r.Metrics.Io.ReadSyscalls - r.Health.Io.ReadSyscalls) / options.Scrapes;
        double extraBytes = (double)(r.Metrics.Io.ReadChars - r.Health.Io.ReadChars) / options.Scrapes;
        double lagSyscalls = (double)r.Lag.Io.ReadSyscalls / options.Scrapes;
        double perPair = Math.Max(extraSyscalls, lagSyscalls) / Math.Max(1, r.LaggingPairs);
        md.AppendLine();
        md.AppendLine("Targets:");
        md.AppendLine();
        md.AppendLine(Inv, $"- `/metrics` p99 < {MaxScrapeP99Ms} ms with {options.Topics * options.PartitionsPerTopic:N0} partitions and {options.Groups:N0} groups: {Verdict(r.Metrics.Latency.P99 < MaxScrapeP99Ms, $"p99 {r.Metrics.Latency.P99:0.00} ms")}");
        md.AppendLine(Inv, $"- at most one record read per lagging partition per scrape: {Verdict(perPair <= 1, $"{extraSyscalls:0.00} read syscalls ({extraBytes:N0} bytes) per scrape beyond `/health` with {(double)r.Metrics.Collections / options.Scrapes:0.00} GCs per scrape (the GC reads `/proc/meminfo`), {lagSyscalls:0.00} per `GetAll()`; for {r.LaggingPairs:N0} lagging pairs that is {perPair:0.0000} per pair")}");
    }

    private static void Row(StringBuilder md, string name, LoopResult loop, int calls)
    {
        var l = loop.Latency;
        md.AppendLine(Inv, $"| {name} | {l.Mean:0.00} | {l.P50:0.00} | {l.P95:0.00} | {l.P99:0.00} | {l.Max:0.00} | {loop.CpuMs / calls:0.00} | {loop.AllocatedBytes / 1024.0 / calls:N0} | {(double)loop.Collections / calls:0.00} ({(double)loop.Gen2Collections / calls:0.00}) | {loop.GcPauseMs / calls:0.00} | {(double)loop.Io.ReadSyscalls / calls:0.00} | {(double)loop.Io.ReadChars / calls:N0} | {(double)loop.Io.StorageReadBytes / calls:N0} |");
    }

    private static void WriteCost(StringBuilder md, MetricsOptions options, IReadOnlyList<CostRound> rounds, ScrapeLatencyResult? latency)
    {
        md.AppendLine();
        md.AppendLine(Inv, $"Throughput cost — the e2e Herald workload ({options.CostRecords:N0} × {options.CostSize} B, {options.CostPartitions} partitions, acks=all, librdkafka defaults; produce, then consume from the beginning), Herald {(options.Herald == HeraldMode.Process ? "as a `herald serve` process" : "in-process")}, a fresh broker per round{(options.CostSeed ? " seeded as above" : " without the lagging set-up")}; scrape arm: `GET /metrics` at the start and every {options.ScrapeIntervalMs:N0} ms.");
        md.AppendLine();
        md.AppendLine("| Round | Scraping | Produce msg/s | Consume msg/s | Combined msg/s | Broker CPU s | Rig CPU s | Scrapes | scrape p50 ms | scrape max ms | Broker CPU ms per idle warm scrape |");
        md.AppendLine("|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in rounds)
        {
            md.AppendLine(Inv, $"| {r.Index} | {(r.Scraping ? "yes" : "no")} | {Report.N(r.Produce.RecordsPerSecond)} | {Report.N(r.Consume.RecordsPerSecond)} | {Report.N(r.CombinedRecordsPerSecond)} | {Seconds(r.BrokerCpu)} | {Seconds(r.RigCpu)} | {(r.Scrapes is { } s ? s.Count.ToString(Inv) + (r.ScrapeFailures > 0 ? $" ({r.ScrapeFailures} failed)" : "") : "—")} | {Report.Ms(r.Scrapes?.P50)} | {Report.Ms(r.Scrapes?.Max)} | {Report.Ms(r.IdleScrapeCpu?.TotalMilliseconds)} |");
        }

        var none = rounds.Where(r => !r.Scraping).ToList();
        var scrape = rounds.Where(r => r.Scraping).ToList();
        double Mean(List<CostRound> arm, Func<CostRound, double> value) => arm.Average(value);
        double Cost(Func<CostRound, double> value) => 1 - (Mean(scrape, value) / Mean(none, value));
        (string Name, Func<CostRound, double> Value)[] measures =
        [
            ("produce", r => r.Produce.RecordsPerSecond),
            ("consume", r => r.Consume.RecordsPerSecond),
            ("combined", r => r.CombinedRecordsPerSecond),
        ];
        md.AppendLine();
        md.AppendLine("| Arm | Produce msg/s | Consume msg/s | Combined msg/s |");
        md.AppendLine("|---|--:|--:|--:|");
        md.AppendLine(Inv, $"| no scrape (mean of {none.Count}) | {string.Join(" | ", measures.Select(m => Report.N(Mean(none, m.Value))))} |");
        md.AppendLine(Inv, $"| scrape every {options.ScrapeIntervalMs:N0} ms (mean of {scrape.Count}) | {string.Join(" | ", measures.Select(m => Report.N(Mean(scrape, m.Value))))} |");
        md.AppendLine(Inv, $"| cost (1 − scrape/none) | {string.Join(" | ", measures.Select(m => Percent(Cost(m.Value))))} |");
        md.AppendLine(Inv, $"| spread of the no-scrape rounds ((max − min)/mean) | {string.Join(" | ", measures.Select(m => Percent(Spread(none, m.Value))))} |");

        md.AppendLine();
        md.AppendLine("Targets:");
        md.AppendLine();
        var combined = Cost(r => r.CombinedRecordsPerSecond);
        var noise = Spread(none, r => r.CombinedRecordsPerSecond);
        var measured = $"combined {Percent(combined)} (produce {Percent(Cost(measures[0].Value))}, consume {Percent(Cost(measures[1].Value))}); the no-scrape rounds alone spread {Percent(noise)}";
        // A difference smaller than the spread between rounds of the same arm says nothing about a 3 % limit either way.
        var verdict = none.Count < 2
            ? "**inconclusive** (one round per arm says nothing about the noise; use --cost-rounds 2 or more) — " + measured
            : noise >= MaxThroughputCost
                ? "**inconclusive** (the rounds vary more than the limit) — " + measured
                : Verdict(combined < MaxThroughputCost, measured);
        md.AppendLine(Inv, $"- throughput cost of a scrape every {options.ScrapeIntervalMs:N0} ms < {MaxThroughputCost:P0}, measured: {verdict}");
        if (none.Concat(scrape).All(r => r.BrokerCpu is not null) && scrape.Sum(r => r.Scrapes?.Count ?? 0) > 0)
        {
            double noneCpu = none.Average(r => r.BrokerCpu!.Value.TotalMilliseconds);
            double scrapeCpu = scrape.Average(r => r.BrokerCpu!.Value.TotalMilliseconds);
            double perBackground = (scrapeCpu - noneCpu) / scrape.Average(r => r.Scrapes?.Count ?? 0);
            double share = perBackground / options.ScrapeIntervalMs;
            md.AppendLine(Inv, $"- the same limit by CPU accounting (broker CPU spent on scrapes during the workload ÷ interval; a CPU-bound broker loses at most this share of a core): {Verdict(share < MaxThroughputCost, $"{noneCpu / 1000:0.00} s broker CPU without scrapes, {scrapeCpu / 1000:0.00} s with (means) = {perBackground:+0.0;−0.0} ms per background scrape = {share:P1} of one core, {share / Environment.ProcessorCount:P1} of the machine")}");
        }

        var idle = rounds.Where(r => r.IdleScrapeCpu is not null).Select(r => r.IdleScrapeCpu!.Value.TotalMilliseconds).ToList();
        if (idle.Count > 0)
        {
            double perScrape = idle.Average();
            md.AppendLine(Inv, $"- broker CPU per warm scrape with no workload (`herald serve`, {idle.Count} rounds × {ScrapeCost.IdleProbeScrapes} scrapes): {perScrape:0.00} ms = {perScrape / options.ScrapeIntervalMs:P2} of one core every {options.ScrapeIntervalMs:N0} ms");
        }

        if (latency is not null)
        {
            double cpuPerScrape = latency.Metrics.CpuMs / options.Scrapes;
            md.AppendLine(Inv, $"- CPU-time bound including the client: {cpuPerScrape:0.00} ms of process CPU per scrape (client and server in one process, from the latency part) every {options.ScrapeIntervalMs:N0} ms = {cpuPerScrape / options.ScrapeIntervalMs:P2} of one core, {cpuPerScrape / options.ScrapeIntervalMs / Environment.ProcessorCount:P2} of the machine");
        }
    }

    /// <summary>The machine's load averages from <c>/proc/loadavg</c>: other work competing for the cores during the run.</summary>
    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string Seconds(TimeSpan? time) => time is { } t ? t.TotalSeconds.ToString("0.00", Inv) : "—";

    private static double Spread(List<CostRound> arm, Func<CostRound, double> value) =>
        arm.Count < 2 ? 0 : (arm.Max(value) - arm.Min(value)) / arm.Average(value);

    private static string Percent(double fraction) => fraction.ToString("+0.0%;−0.0%;0.0%", Inv);

    private static string Verdict(bool pass, string detail) => (pass ? "**met**" : "**not met**") + " — " + detail;
}
