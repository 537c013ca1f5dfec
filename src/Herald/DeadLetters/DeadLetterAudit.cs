using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.DeadLetters;

/// <summary>The value of one audit record on <c>herald.audit</c>: who redrove or discarded which dead letters, when and why.</summary>
/// <remarks>
/// Written by <c>herald dlq redrive</c>, <c>herald dlq discard</c> and the web console, one per action; its key is the
/// dead-letter topic. The broker reads these records to tell resolved dead letters from waiting ones, so <c>action</c>,
/// <c>dlq_topic</c> and <c>records[].partition</c>/<c>records[].offset</c> are a contract.
/// </remarks>
internal sealed record DeadLetterAudit(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("who")] string Who,
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("dlq_topic")] string DlqTopic,
    [property: JsonPropertyName("records")] IReadOnlyList<DeadLetterAuditRecord>? Records)
{
    public const string RedriveAction = "dlq.redrive";
    public const string DiscardAction = "dlq.discard";

    /// <summary>How audit records are written: JSON with non-ASCII text kept readable.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><c>user@host</c> of the person running the command.</summary>
    public static string CurrentUser() => $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>An audit record of <paramref name="action"/> by the current user, timestamped now (UTC, milliseconds).</summary>
    public static DeadLetterAudit Now(string action, string reason, string dlqTopic, IReadOnlyList<DeadLetterAuditRecord> records) =>
        Now(action, CurrentUser(), reason, dlqTopic, records);

    /// <summary>An audit record of <paramref name="action"/> by <paramref name="who"/>, timestamped now (UTC, milliseconds).</summary>
    public static DeadLetterAudit Now(string action, string who, string reason, string dlqTopic, IReadOnlyList<DeadLetterAuditRecord> records) =>
        new(action, who, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), reason, dlqTopic, records);

    /// <summary>The reason as recorded (trimmed), or <see langword="null"/> when it is missing or only white space: a redrive or discard needs one.</summary>
    public static string? NormalizeReason(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>A redrive or discard audit record, or <see langword="null"/> for anything else on the audit topic.</summary>
    public static DeadLetterAudit? TryParse(byte[]? value) => value is null ? null : TryParse(value.AsSpan());

    /// <summary>A redrive or discard audit record, or <see langword="null"/> for anything else on the audit topic.</summary>
    public static DeadLetterAudit? TryParse(ReadOnlySpan<byte> value)
    {
        try
        {
            var audit = JsonSerializer.Deserialize<DeadLetterAudit>(value, Options);
            return audit is { Action: RedriveAction or DiscardAction, DlqTopic: not null } ? audit : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
