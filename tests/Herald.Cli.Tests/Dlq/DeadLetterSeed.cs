using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Contracts;
using Herald.DeadLetters;

namespace Herald.Cli.Tests.Dlq;

/// <summary>
/// Writes dead letters the way the SDK's consumer host does (the publisher's envelope and trace context headers, then the
/// <see cref="DeadLetterHeaders"/>) and reads topics back.
/// </summary>
internal sealed class DeadLetterSeed(string bootstrap)
{
    public static string UniqueTopic() => "orders-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates <paramref name="topic"/> and its dead-letter topic, then writes <paramref name="count"/> dead letters; returns their offsets.</summary>
    public async Task<IReadOnlyList<long>> SeedAsync(string topic, int count, string reason = DeadLetterReasons.HandlerFailed)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync(
            [
                new TopicSpecification { Name = topic, NumPartitions = 1, ReplicationFactor = 1 },
                new TopicSpecification { Name = DeadLetterHeaders.TopicFor(topic), NumPartitions = 1, ReplicationFactor = 1 },
            ]);
        }

        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build();
        var offsets = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var headers = new Headers
            {
                { EnvelopeHeaders.EventId, Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString()) },
                { EnvelopeHeaders.EventType, Encoding.UTF8.GetBytes("OrderPlaced") },
                { EnvelopeHeaders.EventVersion, Encoding.UTF8.GetBytes("1") },
                { EnvelopeHeaders.OccurredAt, Encoding.UTF8.GetBytes($"2026-11-26T05:5{i % 10}:00.0000000+00:00") },
                { EnvelopeHeaders.CorrelationId, Encoding.UTF8.GetBytes($"checkout-{i}") },
                { "traceparent", Encoding.UTF8.GetBytes(TraceParent(i)) },
                { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(reason) },
                { DeadLetterHeaders.ExceptionType, Encoding.UTF8.GetBytes("System.TimeoutException") },
                { DeadLetterHeaders.ExceptionMessage, Encoding.UTF8.GetBytes("payment service timed out for customer ***") },
                { DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes(topic) },
                { DeadLetterHeaders.OriginalPartition, Encoding.UTF8.GetBytes("0") },
                { DeadLetterHeaders.OriginalOffset, Encoding.UTF8.GetBytes((100 + i).ToString(CultureInfo.InvariantCulture)) },
                { DeadLetterHeaders.OriginalTimestamp, Encoding.UTF8.GetBytes("1795000000000") },
                { DeadLetterHeaders.ConsumerGroup, Encoding.UTF8.GetBytes("billing") },
                { DeadLetterHeaders.Attempts, Encoding.UTF8.GetBytes("5") },
                { DeadLetterHeaders.FailedAt, Encoding.UTF8.GetBytes($"2026-11-26T06:0{i % 10}:00.000Z") },
            };
            var report = await producer.ProduceAsync(
                DeadLetterHeaders.TopicFor(topic),
                new Message<string, string> { Key = $"order-{i}", Value = Payload(i), Headers = headers });
            offsets.Add(report.Offset.Value);
        }

        return offsets;
    }

    /// <summary>Appends one dead letter whose payload is not UTF-8; returns its offset.</summary>
    public async Task<long> SeedBinaryAsync(string topic, byte[] payload)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All }).Build();
        var headers = new Headers
        {
            { DeadLetterHeaders.Reason, Encoding.UTF8.GetBytes(DeadLetterReasons.DeserializationFailed) },
            { DeadLetterHeaders.OriginalTopic, Encoding.UTF8.GetBytes(topic) },
        };
        var report = await producer.ProduceAsync(DeadLetterHeaders.TopicFor(topic), new Message<string, byte[]> { Key = "binary", Value = payload, Headers = headers });
        return report.Offset.Value;
    }

    public static string Payload(int i) => $"{{\"orderId\":\"order-{i}\",\"amount\":{i}.5}}";

    /// <summary>The W3C trace context the publisher of dead letter <paramref name="i"/> wrote.</summary>
    public static string TraceParent(int i) => string.Create(CultureInfo.InvariantCulture, $"00-4bf92f3577b34da6a3ce929d0e0e{i + 1:x4}-00f067aa0ba9{i + 1:x4}-01");

    /// <summary>The headers the SDK's publisher writes, in its order, followed by the trace context.</summary>
    public static readonly string[] PublisherHeaders =
        [EnvelopeHeaders.EventId, EnvelopeHeaders.EventType, EnvelopeHeaders.EventVersion, EnvelopeHeaders.OccurredAt, EnvelopeHeaders.CorrelationId, "traceparent"];

    /// <summary>Every record of partition 0 of <paramref name="topic"/> that exists now.</summary>
    public IReadOnlyList<ConsumeResult<string, string>> ReadAll(string topic)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "dlq-tests-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        var partition = new TopicPartition(topic, 0);
        var high = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value;
        var records = new List<ConsumeResult<string, string>>();
        if (high <= 0)
        {
            return records;
        }

        consumer.Assign(new TopicPartitionOffset(partition, Offset.Beginning));
        var deadline = DateTime.UtcNow.AddSeconds(20);
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

    /// <summary>The audit records on <c>herald.audit</c> about <paramref name="dlqTopic"/>, parsed.</summary>
    public IReadOnlyList<JsonElement> AuditRecords(string dlqTopic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        if (!admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Any(t => t.Topic == DeadLetterHeaders.AuditTopic && t.Error.Code == ErrorCode.NoError))
        {
            return [];
        }

        return ReadAll(DeadLetterHeaders.AuditTopic)
            .Where(r => r.Message.Key == dlqTopic)
            .Select(r => JsonDocument.Parse(r.Message.Value).RootElement.Clone())
            .ToList();
    }

    public static string? Header(ConsumeResult<string, string> record, string name) =>
        record.Message.Headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
