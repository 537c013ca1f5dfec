using System.Globalization;
using System.Text;

namespace Herald.Benchmarks.Outbox;

/// <summary>Everything one <c>outbox</c> run measured, and where.</summary>
internal sealed record OutboxBenchResults(
    string Environment,
    IReadOnlyList<ThroughputRow> Throughput,
    IReadOnlyList<BreakdownRow> Breakdown,
    IReadOnlyList<LatencyRow> Latency,
    SagaResult? Sagas,
    IReadOnlyList<string> Loads);

/// <summary>The Markdown tables and the verdicts against the issue's targets.</summary>
internal static class OutboxBenchReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Markdown(OutboxBenchOptions options, OutboxBenchResults results)
    {
        var md = new StringBuilder();
        md.AppendLine(results.Environment);
        md.AppendLine();
        if (results.Throughput.Count > 0)
        {
            Throughput(md, options, results.Throughput);
        }

        if (results.Breakdown.Count > 0)
        {
            Breakdown(md, results.Breakdown);
        }

        if (results.Latency.Count > 0)
        {
            Latency(md, options, results.Latency);
        }

        if (results.Sagas is { } sagas)
        {
            Sagas(md, options, sagas);
        }

        md.AppendLine("Load average (1 / 5 / 15 min) when each part started: " + string.Join("; ", results.Loads) + ".");
        return md.ToString();
    }

    private static void Throughput(StringBuilder md, OutboxBenchOptions options, IReadOnlyList<ThroughputRow> rows)
    {
        md.AppendLine(Inv, $"Relay throughput, commit → broker acknowledgement ({options.Partitions} partitions, {options.Keys:N0} keys; each database's rows are compared with the direct publish run just before them):");
        md.AppendLine();
        md.AppendLine("| Database | Scenario | Events | Committed events/s | Delivered in s | Delivered events/s | First batch after ms | Events/s after it | vs direct publish | Notes |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|---|");
        ThroughputRow? baseline = null;
        foreach (var row in rows)
        {
            if (row.Baseline)
            {
                baseline = row;
            }

            var versus = row.Baseline || baseline is null ? "–" : (row.SustainedRate / baseline.SustainedRate).ToString("P0", Inv);
            var startUp = row.StartUp is { } t ? t.TotalMilliseconds.ToString("N0", Inv) : "–";
            var sustained = row.StartUp is null ? "–" : row.SustainedRate.ToString("N0", Inv);
            md.AppendLine(Inv, $"| {row.Database ?? "–"} | {row.Scenario} | {row.Events:N0} | {(row.EnqueueRate is { } rate ? rate.ToString("N0", Inv) : "–")} | {row.Delivered.TotalSeconds:0.00} | {row.DeliveredRate:N0} | {startUp} | {sustained} | {versus} | {row.Note} |");
        }

        md.AppendLine();
        md.AppendLine("Target: relay throughput ≥ 50 % of the direct publish of the same events (the backlog drains; the steady state for comparison):");
        md.AppendLine();
        baseline = null;
        foreach (var row in rows)
        {
            if (row.Baseline)
            {
                baseline = row;
                continue;
            }

            if (baseline is null)
            {
                continue;
            }

            var ratio = row.SustainedRate / baseline.SustainedRate;
            if (row.Scenario.StartsWith("backlog drain", StringComparison.Ordinal))
            {
                // A drain is the relay's capacity: everything is committed before it starts. Its producer's start-up is
                // reported apart (the direct publisher's is outside its timing too).
                md.AppendLine(Inv, $"- {row.Database}, {row.Scenario}: {row.SustainedRate:N0}/s after the first batch ({row.DeliveredRate:N0}/s from the start) against {baseline.SustainedRate:N0}/s = {ratio:P0}: {(ratio >= 0.5 ? "met" : "**not met**")}");
            }
            else
            {
                // With the writers running, the relay cannot deliver faster than they commit.
                md.AppendLine(Inv, $"- {row.Database}, {row.Scenario}: {row.DeliveredRate:N0}/s = {ratio:P0} of the direct publish, while the writers committed {row.EnqueueRate:N0}/s (not a capacity figure: the relay delivers at most what is committed)");
            }
        }

        md.AppendLine();
    }

    private static void Breakdown(StringBuilder md, IReadOnlyList<BreakdownRow> rows)
    {
        md.AppendLine("The relay's round phase by phase (read a batch, produce it, wait for every acknowledgement, complete it), µs per row:");
        md.AppendLine();
        md.AppendLine("| Database | Batch | Rows | Rows/s | read | produce | until acknowledged | complete | total |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var row in rows)
        {
            md.AppendLine(Inv, $"| {row.Database} | {row.Batch:N0} | {row.Rows:N0} | {row.Rows / row.Total.TotalSeconds:N0} | {row.Us(row.Read):0.0} | {row.Us(row.Produce):0.0} | {row.Us(row.Acknowledged):0.0} | {row.Us(row.Complete):0.0} | {row.Us(row.Total):0.0} |");
        }

        md.AppendLine();
    }

    private static void Latency(StringBuilder md, OutboxBenchOptions options, IReadOnlyList<LatencyRow> rows)
    {
        md.AppendLine(Inv, $"Commit → consumer latency, one event per transaction at {options.Rate:N0} events/s for {options.Seconds} s after 1 s of warm-up, the relay in the writer's process (ms, nearest rank over every event):");
        md.AppendLine();
        md.AppendLine("| Database | Events | Sent at /s | p50 | p95 | p99 | max | commit → relay completed p50 / p99 / max |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|---|");
        foreach (var row in rows)
        {
            var c = row.ToConsumer;
            var r = row.ToCompleted;
            md.AppendLine(Inv, $"| {row.Database} | {row.Events:N0} | {row.Rate:N0} | {LatencyRow.At(c, 0.50):0.0} | {LatencyRow.At(c, 0.95):0.0} | {LatencyRow.At(c, 0.99):0.0} | {c[^1]:0.0} | {LatencyRow.At(r, 0.50):0.0} / {LatencyRow.At(r, 0.99):0.0} / {r[^1]:0.0} |");
        }

        md.AppendLine();
        md.AppendLine("Target: p99 < 50 ms at 1,000 events/s:");
        md.AppendLine();
        foreach (var row in rows)
        {
            var p99 = LatencyRow.At(row.ToConsumer, 0.99);
            md.AppendLine(Inv, $"- {row.Database}: p99 {p99:0.0} ms at {row.Rate:N0} events/s: {(p99 < 50 ? "met" : "**not met**")}{(options.Rate == 1000 ? "" : " (not at the target's rate)")}");
        }

        md.AppendLine();
    }

    private static void Sagas(StringBuilder md, OutboxBenchOptions options, SagaResult s)
    {
        var seconds = s.Window.TotalSeconds;
        md.AppendLine(Inv, $"Sagas through the Orders sample's three services (separate `herald drill service` processes; order and inventory on SQLite, payment on {s.PaymentsOn}); {options.SagaWarmup} warm-up orders, then {s.Orders:N0} orders from {options.Clients} concurrent HTTP clients{(options.OrderRate is { } rate ? $" at {rate:N0} orders/s" : ", as fast as the order service answers")}; timed from the first measured POST until the last measured saga completed ({seconds:0.00} s):");
        md.AppendLine();
        md.AppendLine("| Orders | Accepted/s (POST p50 / p99 ms) | Completed sagas/s | Saga steps/s (history entries) | Flow events/s on the topic | placed → Completed p50 / p95 / p99 / max ms | Outcome |");
        md.AppendLine("|--:|---|--:|--:|--:|---|---|");
        var latency = s.PlacedToCompleted.Length == 0
            ? "–"
            : string.Create(Inv, $"{LatencyRow.At(s.PlacedToCompleted, 0.50):N0} / {LatencyRow.At(s.PlacedToCompleted, 0.95):N0} / {LatencyRow.At(s.PlacedToCompleted, 0.99):N0} / {s.PlacedToCompleted[^1]:N0}");
        var outcome = s.OtherOutcomes.Count == 0
            ? $"all {s.Completed:N0} Completed"
            : $"{s.Completed:N0} Completed; " + string.Join(", ", s.OtherOutcomes.Select(o => $"{o.Value} {o.Key}"));
        md.AppendLine(Inv, $"| {s.Orders:N0} | {s.Orders / s.Placing.TotalSeconds:N0} ({LatencyRow.At(s.PostLatency, 0.50):0.0} / {LatencyRow.At(s.PostLatency, 0.99):0.0}) | {s.Completed / seconds:N0} | {s.HistoryEntries / seconds:N0} | {s.TopicEvents / seconds:N0} | {latency} | {outcome} |");
        md.AppendLine();
        md.AppendLine("Where a completed saga's time goes (the saga store's clock at each step; ms):");
        md.AppendLine();
        md.AppendLine("| Leg | p50 | p95 | p99 | max |");
        md.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var (leg, ms) in s.Legs.Where(l => l.Milliseconds.Length > 0))
        {
            md.AppendLine(Inv, $"| {leg} | {LatencyRow.At(ms, 0.50):N0} | {LatencyRow.At(ms, 0.95):N0} | {LatencyRow.At(ms, 0.99):N0} | {ms[^1]:N0} |");
        }

        md.AppendLine();
        md.AppendLine(Inv, $"History entries of the measured sagas: {s.HistoryEntries:N0} ({string.Join(", ", s.HistoryByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value:N0}"))}); {s.TopicEvents:N0} records on the flow's topic.");
        md.AppendLine();
    }
}
