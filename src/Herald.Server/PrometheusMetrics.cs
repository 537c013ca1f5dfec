using System.Buffers;
using System.Globalization;
using System.Reflection;
using System.Text;
using Herald.Broker;
using Herald.Broker.Monitoring;
using Herald.Registry;

namespace Herald.Server;

/// <summary>Renders Herald's metrics in the Prometheus text exposition format (version 0.0.4) from a snapshot taken per scrape.</summary>
/// <remarks>
/// Written by hand rather than through an exporter library so the names are exactly the documented contract, a deleted
/// topic or group disappears at the next scrape instead of lingering with its last value, and nothing folds series
/// together. Gauges come from the logs and the lag monitor at scrape time; the produce and fetch paths only add to
/// counters.
/// </remarks>
internal static class PrometheusMetrics
{
    /// <summary>The content type of the 0.0.4 text format; Prometheus 3 refuses a scrape without a valid one.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly string Version =
        typeof(PrometheusMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Writes one scrape's exposition to <paramref name="output"/>.</summary>
    public static void Render(KafkaBroker broker, SchemaRegistry registry, IBufferWriter<byte> output)
    {
        var text = new MetricsText(output);
        text.Family("herald_build_info", "gauge", "Always 1; the version label says which Herald answers.");
        text.Sample("herald_build_info", 1L, ("version", Version));

        var topics = broker.Topics.All.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
        text.Family("herald_topics", "gauge", "Topics on this broker.");
        text.Sample("herald_topics", (long)topics.Count);
        text.Family("herald_connections", "gauge", "Open Kafka client connections.");
        text.Sample("herald_connections", broker.Metrics.Connections);

        WriteTopics(text, topics);
        WriteGroups(text, broker.ConsumerLag);
        WriteDeadLetters(text, broker.DeadLetters.GetAll(), topics);

        text.Family("schema_registry_incompatible_total", "counter", "Schema registrations refused and compatibility checks failed, by subject.");
        foreach (var (subject, count) in registry.Metrics.IncompatibleBySubject.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            text.Sample("schema_registry_incompatible_total", count, ("subject", subject));
        }

        WriteRequestLatency(text, broker.Metrics.RequestLatency);
    }

    /// <summary>One scrape's exposition as text (tests and tools).</summary>
    public static string Render(KafkaBroker broker, SchemaRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        Render(broker, registry, buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteTopics(MetricsText text, List<Broker.Topics.Topic> topics)
    {
        (string Name, string Help, Func<TopicStatistics, long> Value)[] counters =
        [
            ("herald_topic_messages_in_total", "Records appended to the topic.", s => s.MessagesIn),
            ("herald_topic_bytes_in_total", "Record batch bytes appended to the topic.", s => s.BytesIn),
            ("herald_topic_messages_out_total", "Records served to fetches from the topic.", s => s.MessagesOut),
            ("herald_topic_bytes_out_total", "Record batch bytes served to fetches from the topic.", s => s.BytesOut),
        ];
        foreach (var (name, help, value) in counters)
        {
            text.Family(name, "counter", help);
            foreach (var topic in topics)
            {
                text.Sample(name, value(topic.Statistics), ("topic", topic.Name));
            }
        }

        text.Family("herald_partition_end_offset", "gauge", "The offset the next appended record gets (high watermark).");
        ForEachPartition(topics, (topic, p, log) => text.Sample("herald_partition_end_offset", log.LogEndOffset, ("topic", topic), ("partition", p)));
        text.Family("herald_partition_start_offset", "gauge", "The first offset still stored.");
        ForEachPartition(topics, (topic, p, log) => text.Sample("herald_partition_start_offset", log.LogStartOffset, ("topic", topic), ("partition", p)));
        text.Family("herald_partition_last_append_timestamp_seconds", "gauge", "Unix time of the last append (absent when nothing was appended since the append-time index existed).");
        ForEachPartition(topics, (topic, p, log) =>
        {
            if (log.LastAppendTimeMs >= 0)
            {
                text.Sample("herald_partition_last_append_timestamp_seconds", log.LastAppendTimeMs / 1000.0, ("topic", topic), ("partition", p));
            }
        });
    }

    private static void ForEachPartition(List<Broker.Topics.Topic> topics, Action<string, string, Broker.Log.PartitionLog> write)
    {
        foreach (var topic in topics)
        {
            var partitions = topic.Partitions;
            for (var p = 0; p < partitions.Count; p++)
            {
                write(topic.Name, PartitionLabel(p), partitions[p]);
            }
        }
    }

    private static void WriteGroups(MetricsText text, ConsumerLagMonitor monitor)
    {
        var groups = monitor.GetAll();
        (string Name, string Help, Func<PartitionLag, long?> Value)[] offsets =
        [
            ("herald_consumer_group_committed_offset", "The group's committed offset (absent when it never committed on the partition).", p => p.CommittedOffset),
            ("herald_consumer_group_lag_messages", "End offset minus committed offset, at least 0; 0 when only control records remain.", p => p.LagMessages),
        ];
        foreach (var (name, help, value) in offsets)
        {
            text.Family(name, "gauge", help);
            ForEachCommitted(groups, value, (group, partition, v) => text.Sample(name, v, ("group", group), ("topic", partition.Topic), ("partition", PartitionLabel(partition.Partition))));
        }

        const string Seconds = "herald_consumer_group_lag_seconds";
        text.Family(Seconds, "gauge", "Now minus the broker append time of the first data record at or after the committed offset; 0 when none.");
        foreach (var group in groups)
        {
            foreach (var partition in group.Partitions)
            {
                if (partition.LagSeconds is { } seconds)
                {
                    text.Sample(Seconds, seconds, ("group", group.Group), ("topic", partition.Topic), ("partition", PartitionLabel(partition.Partition)));
                }
            }
        }

        text.Family("herald_consumer_group_max_lag_messages", "gauge", "The group's largest partition lag in messages.");
        foreach (var group in groups)
        {
            text.Sample("herald_consumer_group_max_lag_messages", group.MaxLagMessages, ("group", group.Group));
        }

        text.Family("herald_consumer_group_max_lag_seconds", "gauge", "The group's largest partition lag in seconds.");
        foreach (var group in groups)
        {
            text.Sample("herald_consumer_group_max_lag_seconds", group.MaxLagSeconds, ("group", group.Group));
        }

        text.Family("herald_consumer_group_members", "gauge", "Members in the group's current generation.");
        foreach (var group in groups)
        {
            text.Sample("herald_consumer_group_members", (long)group.Members.Count, ("group", group.Group));
        }

        text.Family("herald_consumer_group_lost_messages_total", "counter", "Records retention deleted before the group read them.");
        foreach (var (group, topic, messages) in monitor.LostMessages())
        {
            text.Sample("herald_consumer_group_lost_messages_total", messages, ("group", group), ("topic", topic));
        }
    }

    private static void ForEachCommitted(IReadOnlyList<GroupLag> groups, Func<PartitionLag, long?> value, Action<string, PartitionLag, long> write)
    {
        foreach (var group in groups)
        {
            foreach (var partition in group.Partitions)
            {
                if (value(partition) is { } v)
                {
                    write(group.Group, partition, v);
                }
            }
        }
    }

    /// <summary>Partition numbers as label text; the first few are cached because every partition series repeats them.</summary>
    private static string PartitionLabel(int partition) =>
        (uint)partition < (uint)PartitionLabels.Length ? PartitionLabels[partition] : partition.ToString(CultureInfo.InvariantCulture);

    private static readonly string[] PartitionLabels = [.. Enumerable.Range(0, 1024).Select(p => p.ToString(CultureInfo.InvariantCulture))];

    private static void WriteDeadLetters(MetricsText text, IReadOnlyList<DeadLetterQueueState> queues, List<Broker.Topics.Topic> topics)
    {
        text.Family("herald_dlq_messages_total", "counter", "Dead letters written to <topic>.dlq; the label is the source topic.");
        foreach (var topic in topics)
        {
            if (DeadLetterMonitor.SourceTopicOf(topic.Name) is { } source)
            {
                text.Sample("herald_dlq_messages_total", topic.Statistics.MessagesIn, ("topic", source));
            }
        }

        text.Family("herald_dlq_depth_messages", "gauge", "Dead letters no one has redriven or discarded yet; the label is the source topic.");
        foreach (var queue in queues)
        {
            text.Sample("herald_dlq_depth_messages", queue.Depth, ("topic", queue.SourceTopic));
        }

        text.Family("herald_dlq_oldest_unresolved_age_seconds", "gauge", "Age of the oldest unresolved dead letter (absent when none); the label is the source topic.");
        foreach (var queue in queues)
        {
            if (queue.OldestUnresolvedAgeSeconds is { } age)
            {
                text.Sample("herald_dlq_oldest_unresolved_age_seconds", age, ("topic", queue.SourceTopic));
            }
        }
    }

    private static readonly string[] BucketLabels =
        [.. RequestLatencyHistogram.Bounds.Select(b => b.ToString(CultureInfo.InvariantCulture)), "+Inf"];

    private static void WriteRequestLatency(MetricsText text, RequestLatencyHistogram histogram)
    {
        const string Name = "herald_request_duration_seconds";
        text.Family(Name, "histogram", "Broker request latency by Kafka API, from decoded request to response (a long-polling Fetch includes its wait).");
        foreach (var (apiKey, counts, sum) in histogram.Snapshot())
        {
            var api = BrokerMetrics.ApiName(apiKey);
            for (var i = 0; i < counts.Length; i++)
            {
                text.Sample(Name + "_bucket", counts[i], ("api", api), ("le", BucketLabels[i]));
            }

            text.Sample(Name + "_sum", sum, ("api", api));
            text.Sample(Name + "_count", counts[^1], ("api", api));
        }
    }
}
