using System.Globalization;
using Confluent.Kafka;
using Herald.DeadLetters;

namespace Herald.WebConsole.DeadLetters;

/// <summary>What the console does to dead letters: re-publish them, or mark them dealt with.</summary>
internal enum DeadLetterVerb
{
    /// <summary>Re-publish to the original topic, like <c>herald dlq redrive</c>.</summary>
    Redrive,

    /// <summary>Mark resolved without re-publishing, like <c>herald dlq discard</c>.</summary>
    Discard,
}

/// <summary>A dead letter's place in its dead-letter topic: <c>partition:offset</c> in forms and links.</summary>
internal readonly record struct DeadLetterAddress(int Partition, long Offset)
{
    public static bool TryParse(string? text, out DeadLetterAddress address)
    {
        address = default;
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon <= 0
            || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return false;
        }

        address = new DeadLetterAddress(partition, offset);
        return true;
    }

    public override string ToString() => $"{Partition.ToString(CultureInfo.InvariantCulture)}:{Offset.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>A dry run: what a redrive or discard of the selection would do, computed from the log and the audit records as they are now.</summary>
/// <param name="DlqTopic">The dead-letter topic, e.g. <c>orders.dlq</c>.</param>
/// <param name="Verb">Redrive or discard.</param>
/// <param name="Pending">Would be redriven or discarded.</param>
/// <param name="Skipped">Already redriven or discarded: would be left alone.</param>
/// <param name="Missing">Selected but not in the log (retention deleted them, or no such offset).</param>
/// <param name="More">For "all waiting": more dead letters wait beyond the bulk limit.</param>
/// <param name="Refusal">Why the redrive cannot go ahead at all (a dead letter without an original topic), or null.</param>
internal sealed record DeadLetterPlan(
    string DlqTopic,
    DeadLetterVerb Verb,
    IReadOnlyList<DeadLetter> Pending,
    IReadOnlyList<SkippedDeadLetter> Skipped,
    IReadOnlyList<DeadLetterAddress> Missing,
    bool More,
    string? Refusal);

/// <summary>What a confirmed redrive or discard did.</summary>
/// <param name="Verb">Redrive or discard.</param>
/// <param name="Done">The dead letters redriven (with where the copy landed) or discarded, as in the audit record.</param>
/// <param name="Skipped">Already resolved when the action ran; left alone.</param>
/// <param name="Audit">Where the audit record landed, or null when nothing was done.</param>
/// <param name="Error">Why the action stopped or did nothing, or null when it did all it was asked.</param>
internal sealed record DeadLetterOutcome(
    DeadLetterVerb Verb,
    IReadOnlyList<DeadLetterAuditRecord> Done,
    IReadOnlyList<SkippedDeadLetter> Skipped,
    TopicPartitionOffset? Audit,
    string? Error);
