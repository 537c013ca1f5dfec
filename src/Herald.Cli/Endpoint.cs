using System.Globalization;

namespace Herald.Cli;

/// <summary>A <c>HOST:PORT</c> pair as given on the command line.</summary>
internal readonly record struct Endpoint(string Host, int Port)
{
    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses <c>HOST:PORT</c> (<c>[::1]:PORT</c> for IPv6); throws <see cref="CliException"/> naming the option.</summary>
    public static Endpoint Parse(string value, string optionName)
    {
        var colon = value.LastIndexOf(':');
        if (colon > 0 && colon < value.Length - 1
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            && port <= ushort.MaxValue)
        {
            var host = value[..colon];
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1];
            }

            if (host.Length > 0 && !host.Contains(' '))
            {
                return new Endpoint(host, port);
            }
        }

        throw new CliException($"invalid {optionName} address '{value}': expected HOST:PORT, e.g. 127.0.0.1:9092");
    }

    /// <summary>Parses a comma-separated bootstrap list.</summary>
    public static IReadOnlyList<Endpoint> ParseList(string value, string optionName)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return items.Length == 0 ? [Parse(value, optionName)] : items.Select(item => Parse(item, optionName)).ToList();
    }
}
