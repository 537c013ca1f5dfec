using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Cli.Dlq;

/// <summary>The value of one audit record on <c>herald.audit</c>: who redrove or discarded which dead letters, when and why.</summary>
/// <remarks>
/// Written by <c>herald dlq redrive</c> and <c>herald dlq discard</c>, one per command; its key is the dead-letter topic.
/// The broker reads these records to tell resolved dead letters from waiting ones, so <c>action</c>, <c>dlq_topic</c>
/// and <c>records[].partition</c>/<c>records[].offset</c> are a contract.
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

    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><c>user@host</c> of the person running the command.</summary>
    public static string CurrentUser() => $"{Environment.UserName}@{Environment.MachineName}";

    /// <summary>An audit record of <paramref name="action"/> by the current user, timestamped now (UTC, milliseconds).</summary>
    public static DeadLetterAudit Now(string action, string reason, string dlqTopic, IReadOnlyList<DeadLetterAuditRecord> records) =>
        new(action, CurrentUser(), DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture), reason, dlqTopic, records);

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>A redrive or discard audit record, or <see langword="null"/> for anything else on the audit topic.</summary>
    public static DeadLetterAudit? TryParse(byte[]? value)
    {
        if (value is null)
        {
            return null;
        }

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

/// <summary>One dead letter in an audit record: where it was and, for a redrive, where it went.</summary>
/// <param name="Partition">The dead letter's partition in the dead-letter topic.</param>
/// <param name="Offset">The dead letter's offset in the dead-letter topic.</param>
/// <param name="TargetTopic">Where a redrive re-published it; omitted for a discard.</param>
/// <param name="TargetPartition">The partition of the re-published copy; omitted for a discard.</param>
/// <param name="TargetOffset">The offset of the re-published copy; omitted for a discard.</param>
internal sealed record DeadLetterAuditRecord(
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("target_topic"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TargetTopic = null,
    [property: JsonPropertyName("target_partition"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TargetPartition = null,
    [property: JsonPropertyName("target_offset"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TargetOffset = null);
