using System.Text;
using System.Text.RegularExpressions;

namespace Herald.Cli.Kafka;

/// <summary>
/// librdkafka properties from the command line: a Java-style properties file (<c>--client-config</c>, as Kafka's
/// <c>--command-config</c>) overridden by <c>-X key=value</c> pairs (as kcat's).
/// </summary>
/// <remarks>
/// Java clients log in with <c>sasl.jaas.config</c>, which librdkafka does not know; a file written for Kafka's tools
/// therefore has its <c>username</c> and <c>password</c> moved to <c>sasl.username</c> and <c>sasl.password</c>.
/// </remarks>
internal static partial class ClientProperties
{
    /// <summary>The merged properties: the file's first, then each <c>-X</c> in order.</summary>
    /// <exception cref="CliException">The file cannot be read, or a pair is not <c>key=value</c>.</exception>
    public static IReadOnlyDictionary<string, string> From(FileInfo? file, IEnumerable<string>? pairs)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (file is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(file.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw CliException.BadInput($"cannot read --client-config {file.FullName}: {e.Message}", e);
            }

            foreach (var (key, value) in ParseFile(text))
            {
                properties[key] = value;
            }
        }

        foreach (var pair in pairs ?? [])
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || pair[..equals].Trim().Length == 0)
            {
                throw CliException.BadInput($"-X expects key=value, e.g. -X security.protocol=SASL_PLAINTEXT; got '{pair}'");
            }

            properties[pair[..equals].Trim()] = pair[(equals + 1)..];
        }

        TranslateJaas(properties);
        return properties;
    }

    /// <summary>
    /// <c>java.util.Properties</c> syntax: <c>#</c>/<c>!</c> comments, <c>key=value</c>, <c>key: value</c> or
    /// <c>key value</c>, a trailing backslash continues a line, and <c>\t \n \\ \= \:</c> escapes.
    /// </summary>
    internal static IEnumerable<(string Key, string Value)> ParseFile(string text)
    {
        var logical = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var trimmed = line.TrimStart();
            if (logical.Length == 0 && (trimmed.Length == 0 || trimmed[0] is '#' or '!'))
            {
                continue;
            }

            if (EndsWithContinuation(trimmed))
            {
                logical.Append(trimmed[..^1]);
                continue;
            }

            logical.Append(trimmed);
            var entry = logical.ToString();
            logical.Clear();
            yield return Split(entry);
        }

        if (logical.Length > 0)
        {
            yield return Split(logical.ToString());
        }
    }

    private static bool EndsWithContinuation(string line)
    {
        int backslashes = 0;
        for (int i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static (string Key, string Value) Split(string entry)
    {
        int at = 0;
        var key = new StringBuilder();
        while (at < entry.Length && entry[at] is not ('=' or ':' or ' ' or '\t'))
        {
            at = AppendUnescaped(entry, at, key);
        }

        while (at < entry.Length && entry[at] is ' ' or '\t')
        {
            at++;
        }

        if (at < entry.Length && entry[at] is '=' or ':')
        {
            at++;
            while (at < entry.Length && entry[at] is ' ' or '\t')
            {
                at++;
            }
        }

        var value = new StringBuilder();
        while (at < entry.Length)
        {
            at = AppendUnescaped(entry, at, value);
        }

        return (key.ToString(), value.ToString().TrimEnd());
    }

    private static int AppendUnescaped(string text, int at, StringBuilder into)
    {
        if (text[at] != '\\' || at + 1 == text.Length)
        {
            into.Append(text[at]);
            return at + 1;
        }

        into.Append(text[at + 1] switch
        {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\f',
            var c => c,
        });
        return at + 2;
    }

    private static void TranslateJaas(Dictionary<string, string> properties)
    {
        if (!properties.Remove("sasl.jaas.config", out var jaas))
        {
            return;
        }

        foreach (Match option in JaasCredential().Matches(jaas))
        {
            properties.TryAdd("sasl." + option.Groups["name"].Value, option.Groups["value"].Value);
        }
    }

    /// <summary><c>username="…"</c> and <c>password="…"</c> in a JAAS login module line.</summary>
    [GeneratedRegex(@"\b(?<name>username|password)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex JaasCredential();
}
