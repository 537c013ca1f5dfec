using Herald.Broker.Groups;
using Herald.Broker.Topics;

namespace Herald.Broker.Monitoring;

/// <summary>
/// Computes every consumer group's lag from the broker's own state: committed offsets from the coordinator, end offsets
/// and append times from the logs. <c>/metrics</c>, the HTTP API, the CLI and the console all read this one computation.
/// </summary>
/// <remarks>
/// Lag in messages is <c>max(0, end − committed)</c>, and 0 when only control records remain. Lag in seconds is now
/// minus the broker's append time of the first data record at or after the committed offset (measured from the log
/// start when retention overtook the group), so it keeps growing while a consumer is stopped even on an idle topic,
/// and it never depends on producer clocks. Groups are reported whether or not they have members.
/// </remarks>
public sealed class ConsumerLagMonitor
{
    private readonly TopicManager _topics;
    private readonly GroupCoordinator _groups;
    private readonly Lock _lostGate = new();
    private readonly Dictionary<(string Group, string Topic, int Partition), long> _lostCountedUpTo = [];
    private readonly Dictionary<(string Group, string Topic), long> _lost = [];

    /// <summary>Creates the monitor over a broker's topics and group coordinator.</summary>
    public ConsumerLagMonitor(TopicManager topics, GroupCoordinator groups)
    {
        _topics = topics ?? throw new ArgumentNullException(nameof(topics));
        _groups = groups ?? throw new ArgumentNullException(nameof(groups));
    }

    /// <summary>Every group with members or committed offsets, by group id.</summary>
    public IReadOnlyList<GroupLag> GetAll()
    {
        var now = NowMs();
        var result = new List<GroupLag>();
        foreach (var id in _groups.GroupIds())
        {
            if (Compute(id, now) is { } lag)
            {
                result.Add(lag);
            }
        }

        return result;
    }

    /// <summary>One group, or <see langword="null"/> when it does not exist.</summary>
    public GroupLag? Get(string groupId) => Compute(groupId, NowMs());

    /// <summary>
    /// Records retention deleted before each group read them, by group and topic, since the broker started (counted
    /// whenever lag is computed and a committed offset is found below the log start).
    /// </summary>
    public IReadOnlyList<(string Group, string Topic, long Messages)> LostMessages()
    {
        lock (_lostGate)
        {
            return [.. _lost.OrderBy(e => e.Key.Group, StringComparer.Ordinal).ThenBy(e => e.Key.Topic, StringComparer.Ordinal).Select(e => (e.Key.Group, e.Key.Topic, e.Value))];
        }
    }

    private long NowMs() => _topics.Defaults.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private GroupLag? Compute(string groupId, long nowMs)
    {
        var group = _groups.Describe(groupId);
        if (group is null)
        {
            return null;
        }

        var owners = new Dictionary<(string, int), GroupMemberInfo>();
        foreach (var member in group.Members)
        {
            foreach (var assigned in member.Assignment)
            {
                owners[(assigned.Topic, assigned.Partition)] = member;
            }
        }

        var committed = new Dictionary<(string, int), long>();
        foreach (var (topic, partition, offset) in group.CommittedOffsets)
        {
            committed[(topic, partition)] = offset;
        }

        var keys = new List<(string Topic, int Partition)>(committed.Count + owners.Count);
        keys.AddRange(committed.Keys);
        foreach (var owned in owners.Keys)
        {
            if (!committed.ContainsKey(owned))
            {
                keys.Add(owned);
            }
        }

        keys.Sort(static (a, b) => string.CompareOrdinal(a.Topic, b.Topic) is var byTopic and not 0 ? byTopic : a.Partition.CompareTo(b.Partition));
        var partitions = new List<PartitionLag>();
        long total = 0, maxLag = 0;
        double maxSeconds = 0;
        foreach (var (topic, partition) in keys)
        {
            var log = _topics.FindPartition(topic, partition);
            if (log is null)
            {
                continue;
            }

            var start = log.LogStartOffset;
            var end = log.LogEndOffset;
            owners.TryGetValue((topic, partition), out var owner);
            long? lag = null;
            double? seconds = null;
            long? position = committed.TryGetValue((topic, partition), out var c) ? c : null;
            if (position is { } offset)
            {
                CountLost(group.GroupId, topic, partition, offset, start);
                var from = Math.Max(offset, start);
                var appendTime = from < end ? log.FirstDataAppendTimeMs(from) : -1;
                if (appendTime < 0)
                {
                    // Nothing but control records (or nothing) left to read.
                    lag = 0;
                    seconds = 0;
                }
                else
                {
                    lag = Math.Max(0, end - offset);
                    seconds = Math.Max(0, nowMs - appendTime) / 1000.0;
                }

                total += lag.Value;
                maxLag = Math.Max(maxLag, lag.Value);
                maxSeconds = Math.Max(maxSeconds, seconds.Value);
            }

            partitions.Add(new PartitionLag(topic, partition, position, start, end, lag, seconds, owner?.MemberId, owner?.ClientId, owner?.ClientHost));
        }

        return new GroupLag(group.GroupId, group.State, group.ProtocolType, group.Members, total, maxLag, maxSeconds, partitions);
    }

    /// <summary>Counts the records in [committed, start) not counted before for this partition, so each lost record counts once.</summary>
    private void CountLost(string group, string topic, int partition, long committed, long start)
    {
        if (committed >= start)
        {
            return;
        }

        lock (_lostGate)
        {
            var key = (group, topic, partition);
            var countedUpTo = _lostCountedUpTo.GetValueOrDefault(key, long.MinValue);
            var lost = start - Math.Max(countedUpTo, committed);
            if (lost > 0)
            {
                _lost[(group, topic)] = _lost.GetValueOrDefault((group, topic)) + lost;
                _lostCountedUpTo[key] = start;
            }
        }
    }
}
