using Herald.Broker;
using Herald.DeadLetters;
using Herald.WebConsole.Logs;

namespace Herald.WebConsole.DeadLetters;

/// <summary>
/// Which dead letters were redriven or discarded, from the audit records on <c>herald.audit</c>, read in-process and
/// incrementally: the first use reads the audit log from its start, later ones only what was appended since.
/// </summary>
/// <remarks>
/// The same records, the same rules (<see cref="DeadLetterResolutions"/>) as <c>herald dlq</c>, so the console and the
/// CLI never disagree about what is still waiting; the broker's depth gauge reads the same records too.
/// </remarks>
internal sealed class ResolvedDeadLetters(KafkaBroker broker)
{
    private readonly Lock _gate = new();
    private DeadLetterResolutions _resolutions = new();
    private long[] _positions = [];
    private Guid _auditTopicId;

    /// <summary>The resolved dead letters of <paramref name="dlqTopic"/> as of now, by (partition, offset).</summary>
    public IReadOnlyDictionary<(int Partition, long Offset), DeadLetterStatus> For(string dlqTopic)
    {
        lock (_gate)
        {
            CatchUp();
            return _resolutions.For(dlqTopic);
        }
    }

    private void CatchUp()
    {
        if (broker.Topics.Find(DeadLetterHeaders.AuditTopic) is not { } audit)
        {
            return;
        }

        if (audit.Id != _auditTopicId)
        {
            // A recreated audit topic starts a new history, as for the broker's monitor.
            _auditTopicId = audit.Id;
            _positions = [];
            _resolutions = new DeadLetterResolutions();
        }

        if (_positions.Length < audit.Partitions.Count)
        {
            Array.Resize(ref _positions, audit.Partitions.Count);
        }

        for (var p = 0; p < audit.Partitions.Count; p++)
        {
            var log = audit.Partitions[p];
            var progress = PartitionReader.Read(log, _positions[p], log.LogEndOffset, long.MaxValue, record =>
            {
                if (record.Value is { } value)
                {
                    _resolutions.Apply(value.Span);
                }
            });
            _positions[p] = progress.Next;
        }
    }
}
