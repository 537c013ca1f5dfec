using System.Text.Json.Serialization;

namespace Herald.DeadLetters;

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
