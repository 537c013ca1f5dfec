namespace Herald.Benchmarks.Metrics;

/// <summary>Nearest-rank percentiles of a set of durations in milliseconds (every sample kept, sorted once).</summary>
public sealed record Distribution(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    /// <summary>Summarizes <paramref name="samples"/>; all zeros when there are none.</summary>
    public static Distribution Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0)
        {
            return new Distribution(0, 0, 0, 0, 0, 0);
        }

        var sorted = samples.Order().ToArray();
        double At(double quantile) => sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Distribution(sorted.Length, sorted.Average(), At(0.50), At(0.95), At(0.99), sorted[^1]);
    }
}
