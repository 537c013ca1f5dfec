using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Contracts;
using Herald.DeadLetters;
using Herald.Testing;

namespace Herald.WebConsole.Tests;

/// <summary>
/// Writes dead letters the way the SDK's consumer host does (the publisher's envelope and trace headers, then the
/// <see cref="DeadLetterHeaders"/>) through a real Confluent producer, and reads topics back with a real consumer.
/// </summary>
internal sealed class DeadLetterSeed(ConsoleFixture fixture)
{
    private string Bootstrap => fixture.Server.KafkaBootstrap;

    /// <summary>A new source topic and its <c>.dlq</c>, both created, with <paramref name="count"/> dead letters; returns (topic, dlq topic).</summary>
    public async Task<(string Topic, string Dlq)> SeedAsync(int count)
    {
        var topic = TestBroker.UniqueName("orders");
        var dlq = DeadLetterHeaders.TopicFor(topic);
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build())
        {
            await admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 },
                new TopicSpecification { Name = dlq, NumPartitions = 1, ReplicationFactor = 1 },
            ]);
        }

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Bootstrap, Acks = Acks.All }).Build();
        for (var i = 0; i < count; i++)
        {
            var headers = new Headers
            {
                { EnvelopeHeaders.EventId, Utf8(Guid.CreateVersion7().ToString()) },
                { EnvelopeHeaders.EventType, Utf8("OrderPlaced") },
                { EnvelopeHeaders.EventVersion, Utf8("1") },
                { EnvelopeHeaders.CorrelationId, Utf8($"checkout-{i}") },
                { "traceparent", Utf8(string.Create(CultureInfo.InvariantCulture, $"00-4bf92f3577b34da6a3ce929d0e0e{i + 1:x4}-00f067aa0ba9{i + 1:x4}-01")) },
                { DeadLetterHeaders.Reason, Utf8(DeadLetterReasons.HandlerFailed) },
                { DeadLetterHeaders.ExceptionType, Utf8("System.TimeoutException") },
                { DeadLetterHeaders.ExceptionMessage, Utf8("payment service timed out for customer ***") },
                { DeadLetterHeaders.OriginalTopic, Utf8(topic) },
                { DeadLetterHeaders.OriginalPartition, Utf8("0") },
                { DeadLetterHeaders.OriginalOffset, Utf8((100 + i).ToString(CultureInfo.InvariantCulture)) },
                { DeadLetterHeaders.OriginalTimestamp, Utf8("1795000000000") },
                { DeadLetterHeaders.ConsumerGroup, Utf8("billing") },
                { DeadLetterHeaders.Attempts, Utf8("5") },
                { DeadLetterHeaders.FailedAt, Utf8(string.Create(CultureInfo.InvariantCulture, $"2026-11-26T06:0{i % 10}:00.000Z")) },
            };
            await producer.ProduceAsync(dlq, new Message<string, string> { Key = Key(i), Value = Payload(i), Headers = headers });
        }

        return (topic, dlq);
    }

    public static string Key(int i) => $"order-{i}";

    public static string Payload(int i) => $"{{\"orderId\":\"order-{i}\",\"amount\":{i}.5}}";

    /// <summary>The end offset of partition 0 of <paramref name="topic"/>, from the broker's log (0 when it does not exist).</summary>
    public long EndOffset(string topic) => fixture.Server.Broker.Topics.FindPartition(topic, 0)?.LogEndOffset ?? 0;

    /// <summary>Waiting dead letters of <paramref name="dlq"/>, as the broker's monitor (and so <c>/metrics</c>) counts them.</summary>
    public long Depth(string dlq) => fixture.Server.Broker.DeadLetters.GetAll().Single(q => q.Topic == dlq).Depth;

    /// <summary>Reads the records of partition 0 of <paramref name="topic"/> from <paramref name="from"/> to its end with a Confluent consumer.</summary>
    public IReadOnlyList<ConsumeResult<string, string>> Read(string topic, long from)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = TestBroker.UniqueName("console-dlq-tests"),
            EnableAutoCommit = false,
        }).Build();
        var partition = new TopicPartition(topic, 0);
        var high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        var records = new List<ConsumeResult<string, string>>();
        if (high <= from)
        {
            return records;
        }

        consumer.Assign(new TopicPartitionOffset(partition, from));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (records.Count == 0 || records[^1].Offset.Value < high - 1)
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out reading {topic}");
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { IsPartitionEOF: false } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <summary>The audit records about <paramref name="dlq"/> on <c>herald.audit</c>, parsed, read with a Confluent consumer.</summary>
    public IReadOnlyList<JsonElement> AuditRecords(string dlq)
    {
        if (fixture.Server.Broker.Topics.Find(DeadLetterHeaders.AuditTopic) is null)
        {
            return [];
        }

        return Read(DeadLetterHeaders.AuditTopic, 0)
            .Where(r => r.Message.Key == dlq)
            .Select(r => JsonDocument.Parse(r.Message.Value).RootElement.Clone())
            .ToList();
    }

    /// <summary>The last value of header <paramref name="name"/> as UTF-8, or null.</summary>
    public static string? Header(ConsumeResult<string, string> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
