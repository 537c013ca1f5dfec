using Confluent.Kafka;

namespace Herald.Tests.Sdk;

/// <summary>Reads records back with a plain Confluent.Kafka consumer, as any other client would see them.</summary>
public static class TopicReader
{
    /// <summary>The first <paramref name="count"/> records of partition 0 of <paramref name="topic"/>; fails after 30 s.</summary>
    public static IReadOnlyList<ConsumeResult<string?, byte[]>> Read(string bootstrap, string topic, int count)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"found {records.Count} of {count} record(s) in {topic}");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    public static string? Header(ConsumeResult<string?, byte[]> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? System.Text.Encoding.UTF8.GetString(bytes) : null;
}
