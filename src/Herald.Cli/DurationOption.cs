using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Herald.Cli;

/// <summary>Durations on the command line: <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>2d</c>, <c>250ms</c>.</summary>
internal static partial class DurationOption
{
    public static Option<TimeSpan?> Create(string name, string description) => new(name)
    {
        Description = description + " (e.g. 30s, 5m, 1h30m, 2d)",
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (TryParse(text, out var duration))
            {
                return duration;
            }

            result.AddError($"{name}: '{text}' is not a duration; use a number and a unit, e.g. 30s, 5m, 1h30m or 2d");
            return null;
        },
    };

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var match = Duration().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var parts = match.Groups["n"].Captures.Zip(match.Groups["unit"].Captures);
        foreach (var (number, unit) in parts)
        {
            if (!long.TryParse(number.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            duration += unit.Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(value),
                "s" => TimeSpan.FromSeconds(value),
                "m" => TimeSpan.FromMinutes(value),
                "h" => TimeSpan.FromHours(value),
                _ => TimeSpan.FromDays(value),
            };
        }

        return true;
    }

    [GeneratedRegex("^(?:(?<n>[0-9]{1,9})(?<unit>ms|s|m|h|d))+$")]
    private static partial Regex Duration();
}
