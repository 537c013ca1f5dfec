using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Herald.EventStore.Forwarding.Tests;

/// <summary>A record as read back from a topic, headers decoded as UTF-8.</summary>
public sealed record ReadRecord(int Partition, long Offset, string? Key, byte[] Value, IReadOnlyDictionary<string, string> Headers);

/// <summary>Creates, inspects and reads whole topics of the test broker.</summary>
public static class KafkaTopic
{
    public static async Task CreateAsync(string bootstrap, string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Whether the broker knows the topic (a metadata request for all topics never creates one).</summary>
    public static bool Exists(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError);
    }

    /// <summary>Every record in the topic, read up to the end of each partition (what was acknowledged is all there).</summary>
    public static List<ReadRecord> ReadAll(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => p.PartitionId).ToList();
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var atEnd = new HashSet<int>();
        var records = new List<ReadRecord>();
        // A generous bound so a broken broker fails the test instead of hanging it; normally the ends come at once.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (atEnd.Count < partitions.Count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"did not reach the end of {topic} (read {records.Count} records)");
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            records.Add(new ReadRecord(
                result.Partition.Value,
                result.Offset.Value,
                result.Message.Key,
                result.Message.Value,
                result.Message.Headers.ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes()))));
        }

        return records;
    }
}
