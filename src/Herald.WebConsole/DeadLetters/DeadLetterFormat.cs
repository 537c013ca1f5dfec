using System.Globalization;

namespace Herald.WebConsole.DeadLetters;

/// <summary>How the dead-letter and audit pages write ages, times and sizes.</summary>
internal static class DeadLetterFormat
{
    /// <summary><c>45 s</c>, <c>12 min</c>, <c>3 h 5 min</c>, <c>2 d 4 h</c>; <c>-</c> for none.</summary>
    public static string Age(double? seconds)
    {
        if (seconds is not { } s)
        {
            return "-";
        }

        var span = TimeSpan.FromSeconds(Math.Max(0, s));
        return span.TotalSeconds switch
        {
            < 60 => $"{(int)span.TotalSeconds} s",
            < 3600 => $"{(int)span.TotalMinutes} min",
            < 86400 => span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min",
            _ => span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h",
        };
    }

    /// <summary>UTC, to the second: <c>2026-11-26 06:00:00</c>.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 header value shown like <see cref="Time(DateTimeOffset)"/>, or as written when it does not parse.</summary>
    public static string Time(string? iso) =>
        iso is null ? "-"
        : DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? Time(time)
        : iso;

    /// <summary><c>512 B</c>, <c>3.2 KB</c>, <c>1.0 MB</c>; <c>null</c> for a null payload.</summary>
    public static string Size(int? bytes) => bytes switch
    {
        null => "null",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB"),
    };

    /// <summary>A number as the pages write it (invariant culture).</summary>
    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
