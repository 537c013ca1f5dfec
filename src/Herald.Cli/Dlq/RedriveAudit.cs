using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Cli.Dlq;

/// <summary>The value of one audit record on <c>herald.audit</c>: who redrove which dead letters, when and why.</summary>
/// <remarks>Written by <c>herald dlq redrive</c>, one per command, after the re-publish succeeded; its key is the dead-letter topic.</remarks>
internal sealed record RedriveAudit(
    [property: JsonPropertyName("action")] string Action,
    [property: JsonPropertyName("who")] string Who,
    [property: JsonPropertyName("at")] string At,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("dlq_topic")] string DlqTopic,
    [property: JsonPropertyName("records")] IReadOnlyList<RedriveAuditRecord>? Records)
{
    public const string RedriveAction = "dlq.redrive";

    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary><c>user@host</c> of the person running the command.</summary>
    public static string CurrentUser() => $"{Environment.UserName}@{Environment.MachineName}";

    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>A redrive audit record, or <see langword="null"/> for anything else on the audit topic.</summary>
    public static RedriveAudit? TryParse(byte[]? value)
    {
        if (value is null)
        {
            return null;
        }

        try
        {
            var audit = JsonSerializer.Deserialize<RedriveAudit>(value, Options);
            return audit is { Action: RedriveAction, DlqTopic: not null } ? audit : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>One redriven dead letter in an audit record: where it was and where it went.</summary>
internal sealed record RedriveAuditRecord(
    [property: JsonPropertyName("partition")] int Partition,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("target_topic")] string TargetTopic,
    [property: JsonPropertyName("target_partition")] int? TargetPartition = null,
    [property: JsonPropertyName("target_offset")] long? TargetOffset = null);
