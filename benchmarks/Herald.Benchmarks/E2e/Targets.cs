using System.Globalization;
using System.Text;

namespace Herald.Benchmarks.E2e;

/// <summary>The targets, checked against measured numbers only (anything missing is "not measured").</summary>
public static class Targets
{
    /// <summary>Peak broker memory limit: 512 MiB.</summary>
    public const long MaxPeakRssBytes = 512L * 1024 * 1024;

    /// <summary>p99 end-to-end latency limit in milliseconds.</summary>
    public const double MaxP99Ms = 10;

    /// <summary>A bullet list for one value size.</summary>
    public static string Check(IReadOnlyList<RowResult> rows, int size)
    {
        var herald = rows.FirstOrDefault(r => r.Target.StartsWith("Herald", StringComparison.Ordinal) && r.Error is null && r.Produce is not null);
        var heraldAny = rows.Where(r => r.Target.StartsWith("Herald", StringComparison.Ordinal)).ToList();
        var nats = rows.FirstOrDefault(r => r.Target.StartsWith("NATS", StringComparison.Ordinal) && r.Error is null && r.Produce is not null);
        var md = new StringBuilder();
        string Line(string what, string verdict) => md.AppendLine(CultureInfo.InvariantCulture, $"- {size} B — {what}: {verdict}").ToString();

        Line("produce ≥ 2× NATS JetStream", Ratio(herald?.Produce?.RecordsPerSecond, nats?.Produce?.RecordsPerSecond, 2));
        Line("consume ≥ NATS JetStream", Ratio(herald?.Consume?.RecordsPerSecond, nats?.Consume?.RecordsPerSecond, 1));
        Line($"p99 e2e latency < {MaxP99Ms} ms", herald?.Latency is { } l
            ? Verdict(l.Percentiles.P99 < MaxP99Ms && l.Received == l.Sent, $"{Report.Ms(l.Percentiles.P99)} ms")
            : "not yet measured");
        long? peak = heraldAny.Count > 0 && heraldAny.All(r => r.Error is null) ? heraldAny.Max(r => r.PeakRssBytes) : null;
        Line("peak broker memory < 512 MiB", peak is { } b ? Verdict(b < MaxPeakRssBytes, $"{Report.Mib(b)} MiB") : "not yet measured");
        return md.ToString();
    }

    private static string Ratio(double? herald, double? nats, double factor) =>
        herald is { } h && nats is { } n
            ? Verdict(h >= factor * n, string.Create(CultureInfo.InvariantCulture, $"{h / n:0.00}× ({Report.N(h)} vs {Report.N(n)} msg/s)"))
            : "not yet measured";

    private static string Verdict(bool pass, string detail) => (pass ? "**met**" : "**not met**") + " — " + detail;
}
