using Herald.Broker;
using Herald.Broker.Monitoring;
using Herald.Broker.Topics;
using Herald.WebConsole.History;

namespace Herald.WebConsole.Topics;

/// <summary>One row of the topics page: everything comes from memory (log offsets, counters, the history, the lag monitor), no disk read.</summary>
/// <param name="Name">The topic.</param>
/// <param name="Partitions">Its partition count.</param>
/// <param name="MessagesPerSecond">Records appended per second at the history's newest sample.</param>
/// <param name="BytesPerSecond">Batch bytes appended per second at the history's newest sample.</param>
/// <param name="EndOffsets">The sum of its partitions' end offsets: records ever appended, retention aside.</param>
/// <param name="LastAppend">When the broker last appended to any of its partitions; null when never (since the append-time index existed).</param>
/// <param name="Groups">The groups that committed on it or are assigned it, with their lag on this topic, most behind first.</param>
public sealed record TopicSummary(
    string Name,
    int Partitions,
    double MessagesPerSecond,
    double BytesPerSecond,
    long EndOffsets,
    DateTimeOffset? LastAppend,
    IReadOnlyList<TopicGroupLag> Groups)
{
    /// <summary>The summaries of every topic, computed once per request.</summary>
    public static List<TopicSummary> All(KafkaBroker broker, ConsoleHistory history)
    {
        var groups = ByTopic(broker.ConsumerLag.GetAll());
        var result = new List<TopicSummary>(broker.Topics.All.Count);
        foreach (var topic in broker.Topics.All)
        {
            result.Add(Of(topic, history, groups.TryGetValue(topic.Name, out var reading) ? reading : []));
        }

        return result;
    }

    /// <summary>The summary of one topic, with the groups reading it given.</summary>
    public static TopicSummary Of(Topic topic, ConsoleHistory history, IReadOnlyList<TopicGroupLag> groups)
    {
        long endOffsets = 0, lastAppend = -1;
        foreach (var log in topic.Partitions)
        {
            endOffsets += log.LogEndOffset;
            lastAppend = Math.Max(lastAppend, log.LastAppendTimeMs);
        }

        var (messages, bytes) = history.LatestTopicRate(topic.Name);
        return new TopicSummary(topic.Name, topic.PartitionCount, messages, bytes, endOffsets,
            lastAppend >= 0 ? DateTimeOffset.FromUnixTimeMilliseconds(lastAppend) : null, groups);
    }

    /// <summary>Every group's lag per topic it reads, from one <see cref="ConsumerLagMonitor.GetAll"/>.</summary>
    public static Dictionary<string, List<TopicGroupLag>> ByTopic(IReadOnlyList<GroupLag> groups)
    {
        var result = new Dictionary<string, List<TopicGroupLag>>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            foreach (var partitions in group.Partitions.GroupBy(p => p.Topic, StringComparer.Ordinal))
            {
                if (!result.TryGetValue(partitions.Key, out var list))
                {
                    list = [];
                    result[partitions.Key] = list;
                }

                list.Add(TopicGroupLag.Of(group, partitions.ToList()));
            }
        }

        foreach (var list in result.Values)
        {
            list.Sort((a, b) => b.LagMessages.CompareTo(a.LagMessages) is var byLag and not 0 ? byLag : string.CompareOrdinal(a.Group, b.Group));
        }

        return result;
    }
}
