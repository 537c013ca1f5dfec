using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Herald.WebConsole.Sagas;

/// <summary>Durations as <c>herald sagas list --stuck-for</c> takes them: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, <c>250ms</c>.</summary>
internal static partial class SagaDuration
{
    /// <summary>What to tell someone who typed something else.</summary>
    public const string Expected = "use a number and a unit, e.g. 30s, 5m, 1h30m or 2d (at most 3650d)";

    /// <summary>The longest duration accepted: ten years, so "now minus it" is always a valid time.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Pattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            return false;
        }

        var milliseconds = 0.0;
        foreach (var (number, unit) in match.Groups["n"].Captures.Zip(match.Groups["unit"].Captures))
        {
            milliseconds += long.Parse(number.Value, NumberStyles.None, CultureInfo.InvariantCulture) * unit.Value switch
            {
                "ms" => 1.0,
                "s" => 1_000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                _ => 86_400_000.0,
            };
        }

        // Compared as a double first: nine digits of hours would overflow a TimeSpan.
        if (milliseconds > Longest.TotalMilliseconds)
        {
            return false;
        }

        duration = TimeSpan.FromMilliseconds(milliseconds);
        return true;
    }

    /// <summary>The shortest text <see cref="TryParse"/> reads back as <paramref name="duration"/>: <c>5m</c>, <c>1h30m</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return "0s";
        }

        var text = new StringBuilder();
        void Part(long value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }

        Part((long)duration.TotalDays, "d");
        Part(duration.Hours, "h");
        Part(duration.Minutes, "m");
        Part(duration.Seconds, "s");
        Part(duration.Milliseconds, "ms");
        return text.ToString();
    }

    [GeneratedRegex("^(?:(?<n>[0-9]{1,9})(?<unit>ms|s|m|h|d))+$")]
    private static partial Regex Pattern();
}
