using System.Text;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Redis;

/// <summary>A compiled <see cref="RedisProjectionOptions.KeyPattern"/> such as <c>{table}:{id}</c>.</summary>
internal sealed class KeyPattern
{
    private readonly (string Text, bool IsPlaceholder)[] _parts;

    public KeyPattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var parts = new List<(string, bool)>();
        var position = 0;
        while (position < pattern.Length)
        {
            var open = pattern.IndexOf('{', position);
            if (open < 0)
            {
                parts.Add((pattern[position..], false));
                break;
            }

            var close = pattern.IndexOf('}', open);
            if (close < 0 || close == open + 1)
            {
                throw new FormatException($"key pattern '{pattern}' has an unclosed or empty placeholder at {open}");
            }

            if (open > position)
            {
                parts.Add((pattern[position..open], false));
            }

            parts.Add((pattern[(open + 1)..close], true));
            position = close + 1;
        }

        if (!parts.Any(p => p.Item2))
        {
            throw new FormatException($"key pattern '{pattern}' has no placeholder, so every row would share one key; use e.g. '{{table}}:{{id}}'");
        }

        _parts = [.. parts];
    }

    /// <summary>The Redis key of a row.</summary>
    /// <exception cref="FormatException">A placeholder names a key column the record does not have.</exception>
    public string Format(JsonObject key, string? schema, string table, string topic)
    {
        var builder = new StringBuilder();
        foreach (var (text, isPlaceholder) in _parts)
        {
            if (!isPlaceholder)
            {
                builder.Append(text);
                continue;
            }

            builder.Append(text switch
            {
                "table" => table,
                "schema" => schema ?? "",
                "topic" => topic,
                "key" => string.Join(':', key.Select(p => p.Value is null ? "" : ChangeRecordReader.FieldText(p.Value))),
                _ when key.TryGetPropertyValue(text, out var value) && value is not null => ChangeRecordReader.FieldText(value),
                _ => throw new FormatException(
                    $"key pattern placeholder '{{{text}}}' is neither table, schema, topic, key nor a key column of {key.ToJsonString()}"),
            });
        }

        return builder.ToString();
    }
}
