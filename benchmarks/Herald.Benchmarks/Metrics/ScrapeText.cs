namespace Herald.Benchmarks.Metrics;

/// <summary>Reads what a <c>/metrics</c> answer holds, to report its size and check the set-up is what was asked for.</summary>
public static class ScrapeText
{
    /// <summary>Sample lines (everything but comments and blank lines).</summary>
    public static int SeriesCount(string text) =>
        text.Split('\n').Count(line => line.Length > 0 && line[0] != '#');

    /// <summary><c>herald_consumer_group_lag_messages</c> samples above 0: the lagging (group, partition) pairs.</summary>
    public static int LaggingPairs(string text) =>
        text.Split('\n').Count(line =>
            line.StartsWith("herald_consumer_group_lag_messages{", StringComparison.Ordinal)
            && double.TryParse(line.AsSpan(line.LastIndexOf(' ') + 1), System.Globalization.CultureInfo.InvariantCulture, out var value)
            && value > 0);
}
