using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Herald.Benchmarks.E2e;

/// <summary>Renders the results as Markdown: the run's set-up, one table row per broker row, and the targets check.</summary>
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The whole report.</summary>
    public static string Markdown(E2eOptions options, IReadOnlyList<RowResult> rows)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, {TotalMemoryGiB()} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        md.AppendLine(Inv, $"{options.Records:N0} records per run, acks=all (Kafka) / JetStream publish acks (NATS); latency: {options.LatencyRate:N0} msg/s for {options.LatencySeconds} s after 1 s warm-up, Kafka producer linger.ms={HeraldTarget.LatencyLingerMs}.");
        md.AppendLine(Inv, $"Clients: Confluent.Kafka {Version(typeof(Confluent.Kafka.Library))} (librdkafka {Confluent.Kafka.Library.VersionString}), NATS.Net {Version(typeof(NATS.Client.Core.NatsConnection))}. Herald: {HeraldMode(options)}.");
        if (options.KafkaProducer.Count + options.KafkaConsumer.Count > 0)
        {
            md.AppendLine("Extra librdkafka settings: " + string.Join(", ",
                options.KafkaProducer.Select(s => $"producer {s.Key}={s.Value}").Concat(options.KafkaConsumer.Select(s => $"consumer {s.Key}={s.Value}"))) + ".");
        }

        md.AppendLine();
        md.AppendLine("| Broker | Shape | Value | Produce msg/s | Produce MB/s | Consume msg/s | Consume MB/s | e2e p50 ms | p99 ms | p99.9 ms | max ms | Peak RSS MiB | Notes |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var row in rows)
        {
            var p = row.Latency?.Percentiles;
            md.AppendLine(Inv, $"| {row.Target} | {row.Shape} | {row.Size} B | {N(row.Produce?.RecordsPerSecond)} | {F(row.Produce?.MegabytesPerSecond)} | {N(row.Consume?.RecordsPerSecond)} | {F(row.Consume?.MegabytesPerSecond)} | {Ms(p?.P50)} | {Ms(p?.P99)} | {Ms(p?.P999)} | {Ms(p?.Max)} | {Mib(row.PeakRssBytes)} | {Notes(row)} |");
        }

        md.AppendLine();
        md.AppendLine("Targets (Herald 1-partition row vs NATS row of the same value size, same run):");
        md.AppendLine();
        foreach (var size in rows.Select(r => r.Size).Distinct())
        {
            md.Append(Targets.Check(rows.Where(r => r.Size == size).ToList(), size));
        }

        return md.ToString();
    }

    private static string HeraldMode(E2eOptions options) => options.Herald switch
    {
        E2e.HeraldMode.Process => "`herald serve` process (Release build)",
        E2e.HeraldMode.InProcess => "in-process (peak RSS not measured)",
        _ => "not run",
    };

    private static string Notes(RowResult row)
    {
        var notes = new List<string>();
        if (row.Error is not null)
        {
            notes.Add("**failed**: " + row.Error.Replace("|", "/", StringComparison.Ordinal));
        }

        if (row.Produce is { Errors: > 0 } produce)
        {
            notes.Add($"{produce.Errors:N0} delivery errors ({produce.FirstError})");
        }

        if (row.Latency is { } latency)
        {
            notes.Add(string.Create(Inv, $"latency: {latency.Received:N0}/{latency.Sent:N0} received, sent at {latency.AchievedRate:N0} msg/s"));
            if (latency.Errors > 0)
            {
                notes.Add($"{latency.Errors:N0} latency send errors");
            }
        }

        return string.Join("; ", notes);
    }

    internal static string N(double? value) => value is { } v ? v.ToString("N0", Inv) : "—";

    internal static string F(double? value) => value is { } v ? v.ToString("N1", Inv) : "—";

    internal static string Ms(double? value) => value is { } v ? v.ToString("0.00", Inv) : "—";

    internal static string Mib(long? bytes) => bytes is { } b ? (b / 1048576.0).ToString("N0", Inv) : "—";

    private static string Version(Type type) => type.Assembly.GetName().Version?.ToString(3) ?? "?";

    private static string TotalMemoryGiB()
    {
        long bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return (bytes / (1024.0 * 1024 * 1024)).ToString("0", Inv);
    }
}
