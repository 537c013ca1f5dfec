using System.Globalization;
using Herald.Broker;
using Herald.Broker.Groups;
using Herald.Protocol;
using Herald.WebConsole.Audit;

namespace Herald.WebConsole.Groups;

/// <summary>
/// The console's offset reset, in process: plans it with the same <see cref="OffsetResetTarget"/> rules as
/// <c>herald groups reset-offsets</c> (refused while the group has members, shifts clamped to the log, partitions never
/// committed on left alone), applies it through <see cref="GroupCoordinator.ResetOffsets"/> and audits it.
/// </summary>
internal sealed class OffsetReset(KafkaBroker broker, AuditLog audit)
{
    /// <summary>The audit record's <c>action</c>.</summary>
    public const string AuditAction = "group.reset-offsets";

    /// <summary>The longest reason accepted, so one audit record stays small.</summary>
    public const int MaxReasonLength = 1000;

    /// <summary>The form's modes, in the order the form offers them.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Modes =
    [
        ("earliest", "To earliest (re-read everything still in the log)"),
        ("latest", "To latest (skip everything not consumed yet)"),
        ("datetime", "To a date and time (first record at or after it)"),
        ("shift", "Shift by N (negative re-reads)"),
    ];

    /// <summary>The target a form asks for, or why it is not one.</summary>
    public static (OffsetResetTarget? Target, string? Error) ParseTarget(string? mode, string? at, string? shift) => mode switch
    {
        "earliest" => (new OffsetResetTarget.Earliest(), null),
        "latest" => (new OffsetResetTarget.Latest(), null),
        "datetime" => DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? (new OffsetResetTarget.AtTime(time), null)
            : (null, $"'{at}' is not a date and time; give one in UTC, e.g. 2026-12-06T01:00:00"),
        "shift" => long.TryParse(shift, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var by)
            ? (new OffsetResetTarget.ShiftBy(by), null)
            : (null, $"'{shift}' is not a whole number; give the shift as e.g. -10 or 25"),
        _ => (null, "choose where to move the offsets: earliest, latest, a date and time, or a shift"),
    };

    /// <summary>What resetting <paramref name="group"/> on every partition of <paramref name="topic"/> would do, or why it is refused.</summary>
    public (OffsetResetPlan? Plan, string? Refusal) Plan(string group, string topic, OffsetResetTarget target)
    {
        if (broker.Groups.Describe(group) is not { } described)
        {
            return (null, $"consumer group '{group}' does not exist");
        }

        // Kafka accepts a reset only for an empty group; a running consumer would overwrite it with its next commit.
        if (described.Members.Count > 0)
        {
            return (null, $"consumer group '{group}' has {described.Members.Count.ToString("N0", CultureInfo.InvariantCulture)} active member(s) (state {described.State}); stop its consumers, then reset its offsets");
        }

        if (broker.Topics.Find(topic) is not { } found)
        {
            return (null, $"topic '{topic}' does not exist");
        }

        var committed = broker.Groups.GetCommittedOffsets(group);
        var atMs = target is OffsetResetTarget.AtTime at ? at.Time.ToUnixTimeMilliseconds() : (long?)null;
        var rows = new List<OffsetResetRow>(found.PartitionCount);
        var logs = found.Partitions;
        for (var p = 0; p < logs.Count; p++)
        {
            var log = logs[p];
            var (start, end) = (log.LogStartOffset, log.LogEndOffset);
            long? current = committed.TryGetValue((topic, p), out var offset) ? offset.Offset : null;
            long? atTime = atMs is { } ms && log.FindOffsetForTimestamp(ms) is >= 0 and var byTime ? byTime : null;
            rows.Add(new OffsetResetRow(p, current, target.NewOffset(current, start, end, atTime), start, end));
        }

        return rows.All(r => r.NewOffset is null)
            ? (null, $"group '{group}' never committed an offset on {topic}; there is nothing to shift (reset to earliest, latest or a date and time instead)")
            : (new OffsetResetPlan(group, topic, target.ToString()!, rows), null);
    }

    /// <summary>Plans again and applies the plan, then appends an audit record; or says why nothing changed.</summary>
    /// <returns>The plan applied and the audit record's offset on <c>herald.audit</c> partition 0, or the refusal.</returns>
    public async Task<(OffsetResetPlan? Plan, long AuditOffset, string? Refusal)> ApplyAsync(string group, string topic, OffsetResetTarget target, string? reason, string who)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            return (null, -1, "a reason is required: say why the offsets move (it is recorded on herald.audit); nothing was changed");
        }

        if (reason.Length > MaxReasonLength)
        {
            return (null, -1, $"the reason is longer than {MaxReasonLength.ToString("N0", CultureInfo.InvariantCulture)} characters; shorten it");
        }

        var (plan, refusal) = Plan(group, topic, target);
        if (plan is null)
        {
            return (null, -1, refusal);
        }

        var moves = plan.Partitions.Where(r => r.NewOffset is not null).Select(r => (topic, r.Partition, r.NewOffset!.Value)).ToList();
        var error = broker.Groups.ResetOffsets(group, moves);
        if (error != ErrorCode.None)
        {
            return (null, -1, error switch
            {
                ErrorCode.NonEmptyGroup => $"consumer group '{group}' has active members now; stop its consumers, then reset its offsets (nothing was changed)",
                ErrorCode.UnknownTopicOrPartition => $"the partitions of {topic} changed since the plan; preview again (nothing was changed)",
                _ => $"the broker refused the reset ({error}); nothing was changed",
            });
        }

        var record = new
        {
            Action = AuditAction,
            Who = who,
            At = AuditLog.Now(),
            Reason = reason,
            Group = group,
            Topic = topic,
            Target = plan.Target,
            Partitions = plan.Partitions.Where(r => r.NewOffset is not null).Select(r => new { r.Partition, From = r.CurrentOffset, To = r.NewOffset }).ToList(),
        };
        var offset = await audit.AppendAsync(group, record).ConfigureAwait(false);
        return (plan, offset, null);
    }
}

/// <summary>A reset of one group on every partition of one topic, as previewed and as applied.</summary>
/// <param name="Group">The group.</param>
/// <param name="Topic">The topic.</param>
/// <param name="Target"><c>earliest</c>, <c>latest</c>, the time (UTC), or <c>shift-by N</c>.</param>
/// <param name="Partitions">Every partition of the topic.</param>
internal sealed record OffsetResetPlan(string Group, string Topic, string Target, IReadOnlyList<OffsetResetRow> Partitions)
{
    /// <summary>Partitions whose committed offset the plan sets.</summary>
    public int Moved => Partitions.Count(p => p.NewOffset is not null);
}

/// <summary>One partition of a plan; <see cref="NewOffset"/> is null where nothing changes (a shift where the group never committed).</summary>
internal sealed record OffsetResetRow(int Partition, long? CurrentOffset, long? NewOffset, long StartOffset, long EndOffset);
