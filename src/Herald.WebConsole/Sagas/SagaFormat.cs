using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Sagas;
using Herald.WebConsole.DeadLetters;
using Herald.WebConsole.Topics;

namespace Herald.WebConsole.Sagas;

/// <summary>How the Sagas pages write steps, history entries, emissions, timeouts and data.</summary>
internal static class SagaFormat
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions OneLine = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Iso(DateTimeOffset time) => TopicFormat.Iso(time);

    public static string Utc(DateTimeOffset time) => TopicFormat.Utc(time);

    public static string Ago(DateTimeOffset time, DateTimeOffset now) => TopicFormat.Ago(time, now);

    /// <summary><c>45 s</c>, <c>12 min</c>, <c>3 h 5 min</c>, <c>2 d 4 h</c>.</summary>
    public static string Age(TimeSpan age) => DeadLetterFormat.Age(age.TotalSeconds);

    /// <summary>When something happens, relative to now: <c>in 14 min</c> or <c>3 s overdue</c>.</summary>
    public static string Due(DateTimeOffset due, DateTimeOffset now) => due >= now ? "in " + Age(due - now) : Age(now - due) + " overdue";

    /// <summary>The history kind as the API and the CLI write it: <c>start</c>, <c>compensation</c>, <c>late</c>…</summary>
    public static string Kind(SagaHistoryKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Where the event was read: <c>orders[2]@41</c>; a timeout has no topic (its event id is the timeout's token).</summary>
    public static string Origin(SagaHistoryEntry entry) => entry.Topic is null ? "timeout service" : $"{entry.Topic}[{entry.Partition}]@{entry.Offset}";

    public static string Emission(SagaEmission emission) => emission.Kind switch
    {
        SagaEmissionKind.Event => "published " + emission.Type,
        SagaEmissionKind.TimeoutScheduled => $"scheduled timeout {emission.Type}" + (emission.DueAt is { } due ? $" due {Utc(due)}" : ""),
        _ => "cancelled pending timeouts " + (emission.Type ?? "(all)"),
    };

    public static string EmissionKind(SagaEmission emission) => emission.Kind switch
    {
        SagaEmissionKind.Event => "event",
        SagaEmissionKind.TimeoutScheduled => "timeout-scheduled",
        _ => "timeout-cancelled",
    };

    /// <summary>pending, fired, cancelled or failed — the words the API uses.</summary>
    public static string State(SagaTimeoutEntry timeout) =>
        timeout.FiredAt is not null ? "fired" : timeout.CancelledAt is not null ? "cancelled" : timeout.FailedAt is not null ? "failed" : "pending";

    /// <summary>When the timeout reached its state; null while pending.</summary>
    public static DateTimeOffset? StateAt(SagaTimeoutEntry timeout) => timeout.FiredAt ?? timeout.CancelledAt ?? timeout.FailedAt;

    /// <summary>Stored JSON indented for reading; as stored when it does not parse.</summary>
    public static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return "";
        }

        try
        {
            return JsonNode.Parse(json)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>
    /// What a step changed in the data: each top-level property whose value differs, with its value before and after
    /// (<c>null</c> for a property that was absent). At the start (no data before) the properties set, with a null
    /// Before. The whole document as one change when it is not an object.
    /// </summary>
    public static IReadOnlyList<(string Name, string? Before, string After)> Changes(string? before, string? after)
    {
        if (after is null)
        {
            return [];
        }

        JsonNode? old;
        JsonNode? now;
        try
        {
            old = before is null ? null : JsonNode.Parse(before);
            now = JsonNode.Parse(after);
        }
        catch (JsonException)
        {
            return before == after ? [] : [("(data)", before ?? "null", after)];
        }

        if (before is null && now is JsonObject started)
        {
            return [.. started.Where(p => p.Value is not null).Select(p => (p.Key, (string?)null, Compact(p.Value)))];
        }

        if (old is not JsonObject oldObject || now is not JsonObject newObject)
        {
            return JsonNode.DeepEquals(old, now) ? [] : [("(data)", Compact(old), Compact(now))];
        }

        var changes = new List<(string, string?, string)>();
        foreach (var name in oldObject.Select(p => p.Key).Union(newObject.Select(p => p.Key), StringComparer.Ordinal))
        {
            var was = oldObject.TryGetPropertyValue(name, out var w) ? w : null;
            var @is = newObject.TryGetPropertyValue(name, out var i) ? i : null;
            if (!JsonNode.DeepEquals(was, @is))
            {
                changes.Add((name, Compact(was), Compact(@is)));
            }
        }

        return changes;
    }

    private static string Compact(JsonNode? node) => node?.ToJsonString(OneLine) ?? "null";
}
