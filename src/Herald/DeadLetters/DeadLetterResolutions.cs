namespace Herald.DeadLetters;

/// <summary>
/// Which dead letters the audit records read so far resolved (redriven or discarded), by dead-letter topic, partition
/// and offset. Feed it every value of <c>herald.audit</c> in order; it ignores what is not a redrive or discard record.
/// </summary>
/// <remarks>
/// The first audit record naming a dead letter decides; later ones cannot un-resolve it. Not thread-safe: callers that
/// share one instance lock around it.
/// </remarks>
internal sealed class DeadLetterResolutions
{
    private readonly Dictionary<string, Dictionary<(int Partition, long Offset), DeadLetterStatus>> _byTopic = new(StringComparer.Ordinal);

    /// <summary>Applies one audit record's value; false when it is not a redrive or discard record.</summary>
    public bool Apply(ReadOnlySpan<byte> value)
    {
        if (DeadLetterAudit.TryParse(value) is not { } audit)
        {
            return false;
        }

        Apply(audit);
        return true;
    }

    /// <summary>Marks the dead letters <paramref name="audit"/> names redriven or discarded, unless an earlier record already did.</summary>
    public void Apply(DeadLetterAudit audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        var status = audit.Action == DeadLetterAudit.DiscardAction ? DeadLetterStatus.Discarded : DeadLetterStatus.Redriven;
        if (!_byTopic.TryGetValue(audit.DlqTopic, out var resolved))
        {
            _byTopic[audit.DlqTopic] = resolved = [];
        }

        foreach (var entry in audit.Records ?? [])
        {
            resolved.TryAdd((entry.Partition, entry.Offset), status);
        }
    }

    /// <summary><see cref="DeadLetterStatus.Waiting"/> unless an audit record resolved the dead letter.</summary>
    public DeadLetterStatus StatusOf(string dlqTopic, int partition, long offset) =>
        _byTopic.TryGetValue(dlqTopic, out var resolved) ? resolved.GetValueOrDefault((partition, offset)) : DeadLetterStatus.Waiting;

    /// <summary>A copy of the resolved dead letters of <paramref name="dlqTopic"/>, by (partition, offset).</summary>
    public IReadOnlyDictionary<(int Partition, long Offset), DeadLetterStatus> For(string dlqTopic) =>
        _byTopic.TryGetValue(dlqTopic, out var resolved) ? new Dictionary<(int, long), DeadLetterStatus>(resolved) : new Dictionary<(int, long), DeadLetterStatus>();
}
