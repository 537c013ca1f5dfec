using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Herald.WebConsole.Audit;

/// <summary>
/// One record of <c>herald.audit</c> as the audit page shows it: when, who, what, on what, how many, why and with what
/// result, read from whatever fields the record has. A record that is not a JSON object with an <c>action</c> is kept
/// <see cref="Raw"/>.
/// </summary>
internal sealed record AuditEntry(
    int Partition,
    long Offset,
    DateTimeOffset When,
    string? Key,
    string? Action,
    string? Who,
    string? Reason,
    string? Target,
    int? Count,
    string? Result,
    string? Raw)
{
    /// <summary>Raw text is cut here: the page shows records, not payload dumps.</summary>
    public const int RawLimit = 2_000;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads one audit record; never throws on what it does not understand.</summary>
    public static AuditEntry Parse(int partition, long offset, long timestampMs, ReadOnlySpan<byte> key, bool hasKey, ReadOnlySpan<byte> value, bool hasValue)
    {
        var keyText = hasKey ? Text(key) : null;
        var appended = DateTimeOffset.FromUnixTimeMilliseconds(Math.Max(0, timestampMs));
        var raw = hasValue ? Text(value) : "(null)";
        if (!hasValue)
        {
            return new AuditEntry(partition, offset, appended, keyText, null, null, null, null, null, null, raw);
        }

        try
        {
            using var document = JsonDocument.Parse(value.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "action") is not { } action)
            {
                return new AuditEntry(partition, offset, appended, keyText, null, null, null, null, null, null, raw);
            }

            var when = String(root, "at") is { } at && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : appended;
            var target = String(root, "dlq_topic") ?? String(root, "group") ?? String(root, "topic") ?? keyText;
            var records = root.TryGetProperty("records", out var list) && list.ValueKind == JsonValueKind.Array ? list : (JsonElement?)null;
            int? count = records?.GetArrayLength()
                ?? (root.TryGetProperty("partitions", out var partitions) && partitions.ValueKind == JsonValueKind.Array ? partitions.GetArrayLength() : (int?)null)
                ?? (root.TryGetProperty("count", out var number) && number.TryGetInt32(out var n) ? n : (int?)null);
            var result = String(root, "result") ?? DescribeResult(action, records);
            return new AuditEntry(partition, offset, when, keyText, action, String(root, "who"), String(root, "reason"), target, count, result, null);
        }
        catch (JsonException)
        {
            return new AuditEntry(partition, offset, appended, keyText, null, null, null, null, null, null, raw);
        }
    }

    /// <summary>For the CLI's and the console's dead-letter records, which carry no result field: what happened to them.</summary>
    private static string? DescribeResult(string action, JsonElement? records)
    {
        if (records is not { } list)
        {
            return null;
        }

        var count = list.GetArrayLength().ToString(CultureInfo.InvariantCulture);
        switch (action)
        {
            case "dlq.redrive":
                var targets = list.EnumerateArray()
                    .Select(r => r.ValueKind == JsonValueKind.Object ? String(r, "target_topic") : null)
                    .Where(t => t is not null)
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                return targets.Count == 0 ? $"{count} redriven" : $"{count} redriven to {string.Join(", ", targets)}";
            case "dlq.discard":
                return $"{count} discarded";
            default:
                return null;
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;

    /// <summary>UTF-8 text when valid (cut at <see cref="RawLimit"/>), otherwise base64.</summary>
    private static string Text(ReadOnlySpan<byte> bytes)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = "base64:" + Convert.ToBase64String(bytes);
        }

        return text.Length > RawLimit ? string.Concat(text.AsSpan(0, RawLimit), "…") : text;
    }
}
