using System.Text.Json;
using Herald.Broker.Topics;
using Herald.Protocol;
using Herald.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Herald.Broker.Monitoring;

/// <summary>
/// Knows every dead-letter topic (<c>&lt;topic&gt;.dlq</c>) and which of its dead letters a person has resolved, by reading
/// the audit records <c>herald dlq redrive</c> and <c>herald dlq discard</c> append to <c>herald.audit</c>.
/// </summary>
/// <remarks>
/// The audit topic is the durable record of resolutions, so the state survives restarts without a file of its own:
/// the monitor reads the audit log from the start on first use and then only what was appended since. A dead letter
/// retention deleted is neither counted nor waiting.
/// </remarks>
public sealed class DeadLetterMonitor
{
    /// <summary>The suffix of dead-letter topics.</summary>
    public const string DlqSuffix = ".dlq";

    /// <summary>The topic the CLI audits redrives and discards on.</summary>
    public const string AuditTopic = "herald.audit";

    private const int ReadBytes = 1 << 20;

    private readonly TopicManager _topics;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Topic, int Partition), HashSet<long>> _resolved = [];
    private long[] _auditPositions = [];
    private Guid _auditTopicId;

    /// <summary>Creates the monitor over a broker's topics.</summary>
    public DeadLetterMonitor(TopicManager topics, ILogger logger)
    {
        _topics = topics ?? throw new ArgumentNullException(nameof(topics));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The source topic of a dead-letter topic name, or <see langword="null"/> when it is not one.</summary>
    public static string? SourceTopicOf(string topic) =>
        topic.Length > DlqSuffix.Length && topic.EndsWith(DlqSuffix, StringComparison.Ordinal) ? topic[..^DlqSuffix.Length] : null;

    /// <summary>Every dead-letter topic with its depth and the age of its oldest unresolved dead letter, by topic name.</summary>
    public IReadOnlyList<DeadLetterQueueState> GetAll()
    {
        var nowMs = _topics.Defaults.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var result = new List<DeadLetterQueueState>();
        lock (_gate)
        {
            CatchUp();
            foreach (var topic in _topics.All.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                if (SourceTopicOf(topic.Name) is { } source)
                {
                    result.Add(Measure(topic, source, nowMs));
                }
            }
        }

        return result;
    }

    private DeadLetterQueueState Measure(Topic topic, string source, long nowMs)
    {
        long messages = 0, resolved = 0, oldest = long.MaxValue;
        for (var p = 0; p < topic.Partitions.Count; p++)
        {
            var log = topic.Partitions[p];
            var start = log.LogStartOffset;
            var end = log.LogEndOffset;
            messages += end - start;
            _resolved.TryGetValue((topic.Name, p), out var done);
            var first = start;
            if (done is not null)
            {
                foreach (var offset in done)
                {
                    if (offset >= start && offset < end)
                    {
                        resolved++;
                    }
                }

                while (first < end && done.Contains(first))
                {
                    first++;
                }
            }

            if (first < end && log.FirstDataAppendTimeMs(first) is >= 0 and var appended)
            {
                oldest = Math.Min(oldest, appended);
            }
        }

        double? age = oldest == long.MaxValue ? null : Math.Max(0, nowMs - oldest) / 1000.0;
        return new DeadLetterQueueState(topic.Name, source, messages, resolved, messages - resolved, age);
    }

    /// <summary>Reads the audit records appended since the last call.</summary>
    private void CatchUp()
    {
        var audit = _topics.Find(AuditTopic);
        if (audit is null)
        {
            return;
        }

        if (audit.Id != _auditTopicId)
        {
            // A recreated audit topic starts a new history.
            _auditTopicId = audit.Id;
            _auditPositions = [];
            _resolved.Clear();
        }

        if (_auditPositions.Length < audit.Partitions.Count)
        {
            Array.Resize(ref _auditPositions, audit.Partitions.Count);
        }

        var records = new List<BatchRecord>();
        for (var p = 0; p < audit.Partitions.Count; p++)
        {
            var log = audit.Partitions[p];
            var position = Math.Max(_auditPositions[p], log.LogStartOffset);
            while (position < log.LogEndOffset)
            {
                using var read = log.Read(position, ReadBytes);
                if (read.Error != ErrorCode.None || read.Records.IsEmpty)
                {
                    break;
                }

                var batches = read.Records;
                while (RecordBatchHeader.TryParse(batches.Span, out var header) && header.TotalSize <= batches.Length)
                {
                    records.Clear();
                    if (!header.IsControl && !RecordReader.TryRead(batches[..header.TotalSize], records))
                    {
                        _logger.LogWarning("Skipping unreadable audit batch at {Topic}-{Partition}@{Offset} (compression {Compression})", AuditTopic, p, header.BaseOffset, header.Compression);
                    }

                    foreach (var record in records)
                    {
                        if (record.Offset >= position && record.Value is { } value)
                        {
                            Apply(value.Span);
                        }
                    }

                    position = Math.Max(position, header.LastOffset + 1);
                    batches = batches[header.TotalSize..];
                }
            }

            _auditPositions[p] = position;
        }
    }

    /// <summary>Marks the dead letters of one <c>dlq.redrive</c> or <c>dlq.discard</c> audit record resolved; ignores anything else.</summary>
    private void Apply(ReadOnlySpan<byte> value)
    {
        try
        {
            using var document = JsonDocument.Parse(value.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("action", out var action)
                || action.GetString() is not ("dlq.redrive" or "dlq.discard")
                || !root.TryGetProperty("dlq_topic", out var topicElement)
                || topicElement.GetString() is not { } topic
                || !root.TryGetProperty("records", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                return;
            }

            foreach (var item in list.EnumerateArray())
            {
                if (item.TryGetProperty("partition", out var partition) && partition.TryGetInt32(out var p)
                    && item.TryGetProperty("offset", out var offset) && offset.TryGetInt64(out var o))
                {
                    if (!_resolved.TryGetValue((topic, p), out var set))
                    {
                        _resolved[(topic, p)] = set = [];
                    }

                    set.Add(o);
                }
            }
        }
        catch (JsonException)
        {
            // Not a JSON audit record: someone else's use of the topic.
        }
    }
}
