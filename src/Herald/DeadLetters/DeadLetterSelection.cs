using System.Globalization;

namespace Herald.DeadLetters;

/// <summary>Selected dead letters split into the ones to act on and the ones an earlier redrive or discard already resolved.</summary>
/// <param name="Pending">Not resolved yet, in the order selected.</param>
/// <param name="Skipped">Already resolved, with how; never redriven or discarded again.</param>
internal sealed record DeadLetterSelection(IReadOnlyList<DeadLetter> Pending, IReadOnlyList<SkippedDeadLetter> Skipped)
{
    /// <summary>Splits <paramref name="selected"/> by <paramref name="statusOf"/> (partition, offset → status).</summary>
    public static DeadLetterSelection Split(IEnumerable<DeadLetter> selected, Func<int, long, DeadLetterStatus> statusOf)
    {
        ArgumentNullException.ThrowIfNull(selected);
        ArgumentNullException.ThrowIfNull(statusOf);
        var pending = new List<DeadLetter>();
        var skipped = new List<SkippedDeadLetter>();
        foreach (var letter in selected)
        {
            var status = statusOf(letter.Partition, letter.Offset);
            if (status == DeadLetterStatus.Waiting)
            {
                pending.Add(letter);
            }
            else
            {
                skipped.Add(new SkippedDeadLetter(letter, status));
            }
        }

        return new DeadLetterSelection(pending, skipped);
    }

    /// <summary>
    /// When nothing is pending, why: <c>dead letter orders.dlq:0:3 was already redriven (see herald.audit); nothing to do</c>,
    /// or the same for all of a topic's; <see langword="null"/> when something is left to do.
    /// </summary>
    public string? NothingToDo(string dlqTopic, bool single)
    {
        if (Pending.Count > 0 || Skipped.Count == 0)
        {
            return null;
        }

        var how = DeadLetterStatusNames.Describe(Skipped.Select(s => s.Status));
        return single
            ? $"dead letter {Skipped[0].Letter.Address} was already {how} (see {DeadLetterHeaders.AuditTopic}); nothing to do"
            : $"all {Skipped.Count.ToString(CultureInfo.InvariantCulture)} dead letter(s) in {dlqTopic} were already {how} (see {DeadLetterHeaders.AuditTopic}); nothing to do";
    }
}

/// <summary>A selected dead letter that an earlier redrive or discard already resolved.</summary>
internal sealed record SkippedDeadLetter(DeadLetter Letter, DeadLetterStatus Status);
