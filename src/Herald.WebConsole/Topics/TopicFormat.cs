using System.Globalization;

namespace Herald.WebConsole.Topics;

/// <summary>How the topic pages write numbers and times: invariant culture, short units, UTC.</summary>
internal static class TopicFormat
{
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond switch
    {
        0 => "0",
        < 10 => perSecond.ToString("0.0", CultureInfo.InvariantCulture),
        _ => perSecond.ToString("N0", CultureInfo.InvariantCulture),
    };

    public static string Bytes(double bytes) => bytes switch
    {
        < 1024 => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
        < 1024 * 1024 => (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        < 1024L * 1024 * 1024 => (bytes / (1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => (bytes / (1024L * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
    };

    public static string Seconds(double seconds) => seconds.ToString("0.0", CultureInfo.InvariantCulture);

    /// <summary>A sampling interval for people: <c>1 s</c>, <c>10 s</c>, <c>1 min</c>.</summary>
    public static string Interval(TimeSpan interval) => interval.TotalSeconds < 60
        ? interval.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + " s"
        : interval.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture) + " min";

    /// <summary>ISO 8601 UTC to the millisecond, for <c>&lt;time datetime&gt;</c> and titles.</summary>
    public static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>UTC to the second, for people.</summary>
    public static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>How long ago, roughly: <c>4 s ago</c>, <c>12 min ago</c>, <c>3 h ago</c>, <c>2 d ago</c>.</summary>
    public static string Ago(DateTimeOffset time, DateTimeOffset now)
    {
        var seconds = Math.Max(0, (now - time).TotalSeconds);
        return seconds switch
        {
            < 60 => ((int)seconds).ToString(CultureInfo.InvariantCulture) + " s ago",
            < 3600 => ((int)(seconds / 60)).ToString(CultureInfo.InvariantCulture) + " min ago",
            < 86400 => ((int)(seconds / 3600)).ToString(CultureInfo.InvariantCulture) + " h ago",
            _ => ((int)(seconds / 86400)).ToString(CultureInfo.InvariantCulture) + " d ago",
        };
    }
}
