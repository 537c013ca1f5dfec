using System.Globalization;

namespace Orders.Services.Hosting;

/// <summary>
/// The few <c>--name value</c> and <c>--flag</c> options a service takes, parsed strictly: an unknown option or a missing
/// value is an <see cref="ArgumentException"/> whose message names it, so a typo fails at start instead of being ignored.
/// </summary>
public sealed class ServiceArguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    private ServiceArguments()
    {
    }

    /// <summary>Parses <paramref name="args"/>; <paramref name="valued"/> options take a value, <paramref name="flags"/> do not.</summary>
    public static ServiceArguments Parse(string[] args, IReadOnlyCollection<string> valued, IReadOnlyCollection<string> flags)
    {
        var parsed = new ServiceArguments();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (flags.Contains(name))
            {
                parsed._values[name] = null;
            }
            else if (valued.Contains(name))
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"{name} needs a value");
                }

                parsed._values[name] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unknown option '{name}'; the options are {string.Join(", ", valued.Concat(flags).Order(StringComparer.Ordinal))}");
            }
        }

        return parsed;
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? Value(string name) => _values.GetValueOrDefault(name);

    public string Value(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int? Int(string name) => Value(name) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new ArgumentException($"{name} must be a whole number, not '{text}'")
        : null;

    /// <summary>A duration as <c>3s</c>, <c>250ms</c>, <c>2m</c> or plain seconds (<c>3</c>).</summary>
    public TimeSpan? Duration(string name)
    {
        if (Value(name) is not { } text)
        {
            return null;
        }

        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * unit)
            : throw new ArgumentException($"{name} must be a duration such as 3s, 500ms or 2m, not '{text}'");
    }
}
