using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Herald.Cli.Kafka;
using Herald.DeadLetters;

namespace Herald.Cli.Dlq;

/// <summary>Reads dead-letter and audit topics from the beginning to their high watermarks: assigned partitions, no group, no commits.</summary>
internal static class DeadLetterTopic
{
    private const int TimeoutMs = 10_000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The dead-letter topic for <paramref name="topic"/>, given either as the original topic or as the <c>.dlq</c> topic itself.</summary>
    public static string Resolve(string topic)
    {
        var suffix = DeadLetterHeaders.TopicFor(string.Empty);
        return topic.EndsWith(suffix, StringComparison.Ordinal) && topic.Length > suffix.Length ? topic : DeadLetterHeaders.TopicFor(topic);
    }

    /// <summary>The partitions of <paramref name="topic"/>, or <c>dead-letter topic 'x' does not exist</c>.</summary>
    public static IReadOnlyList<int> Partitions(Metadata metadata, string topic, string kind = "dead-letter topic") =>
        FindPartitions(metadata, topic) ?? throw new CliException($"{kind} '{topic}' does not exist");

    /// <summary>The partitions of <paramref name="topic"/>, or <see langword="null"/> when it does not exist.</summary>
    public static IReadOnlyList<int>? FindPartitions(Metadata metadata, string topic) =>
        metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError)?.Partitions.Select(p => p.PartitionId).Order().ToList();

    /// <summary>Every record of <paramref name="topic"/> that exists now, ordered by partition then offset.</summary>
    public static IReadOnlyList<DeadLetter> ReadAll(KafkaClients clients, string topic, IReadOnlyList<int> partitions, CancellationToken cancellationToken)
    {
        using var consumer = CreateConsumer(clients);
        var ends = new Dictionary<int, long>();
        var start = new List<TopicPartitionOffset>();
        foreach (var partition in partitions)
        {
            var watermarks = QueryWatermarks(consumer, clients, topic, partition);
            if (watermarks.High.Value > watermarks.Low.Value)
            {
                ends[partition] = watermarks.High.Value;
                start.Add(new TopicPartitionOffset(topic, partition, watermarks.Low));
            }
        }

        var records = new List<DeadLetter>();
        if (ends.Count == 0)
        {
            return records;
        }

        consumer.Assign(start);
        var idle = Stopwatch.StartNew();
        while (ends.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = Consume(consumer, clients, topic);
            if (record is null)
            {
                if (idle.Elapsed > 3 * KafkaClients.RequestTimeout)
                {
                    throw new CliException($"timed out reading '{topic}' (partitions {string.Join(',', ends.Keys)} stopped short of their high watermarks)");
                }

                continue;
            }

            idle.Restart();
            var partitionId = record.Partition.Value;
            if (!ends.TryGetValue(partitionId, out var end))
            {
                continue;
            }

            if (record.IsPartitionEOF)
            {
                ends.Remove(partitionId);
                continue;
            }

            if (record.Offset.Value < end)
            {
                records.Add(DeadLetter.From(record));
            }

            if (record.Offset.Value >= end - 1)
            {
                ends.Remove(partitionId);
            }
        }

        return [.. records.OrderBy(r => r.Partition).ThenBy(r => r.Offset)];
    }

    /// <summary>The record at <paramref name="partition"/>:<paramref name="offset"/>, or a one-line error saying why there is none.</summary>
    public static DeadLetter ReadOne(KafkaClients clients, string topic, IReadOnlyList<int> partitions, int partition, long offset, CancellationToken cancellationToken)
    {
        var address = $"{topic}:{partition.ToString(CultureInfo.InvariantCulture)}:{offset.ToString(CultureInfo.InvariantCulture)}";
        if (!partitions.Contains(partition))
        {
            throw new CliException($"topic '{topic}' has no partition {partition.ToString(CultureInfo.InvariantCulture)}");
        }

        using var consumer = CreateConsumer(clients);
        var watermarks = QueryWatermarks(consumer, clients, topic, partition);
        if (offset < watermarks.Low.Value || offset >= watermarks.High.Value)
        {
            var range = watermarks.High.Value > watermarks.Low.Value
                ? $"partition {partition.ToString(CultureInfo.InvariantCulture)} holds offsets {watermarks.Low.Value.ToString(CultureInfo.InvariantCulture)}..{(watermarks.High.Value - 1).ToString(CultureInfo.InvariantCulture)}"
                : $"partition {partition.ToString(CultureInfo.InvariantCulture)} is empty";
            throw new CliException($"no dead letter at {address} ({range})");
        }

        consumer.Assign(new TopicPartitionOffset(topic, partition, offset));
        var idle = Stopwatch.StartNew();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = Consume(consumer, clients, topic);
            if (record is null)
            {
                if (idle.Elapsed > 3 * KafkaClients.RequestTimeout)
                {
                    throw new CliException($"timed out reading {address}");
                }

                continue;
            }

            if (record.IsPartitionEOF || record.Offset.Value > offset)
            {
                throw new CliException($"no dead letter at {address} (the offset was compacted away or is not a record)");
            }

            if (record.Offset.Value == offset)
            {
                return DeadLetter.From(record);
            }
        }
    }

    /// <summary>The dead letters of <paramref name="dlqTopic"/> that an audit record says were redriven or discarded, by (partition, offset).</summary>
    /// <remarks>The first audit record naming a dead letter decides; later ones cannot un-resolve it.</remarks>
    public static IReadOnlyDictionary<(int Partition, long Offset), DeadLetterStatus> ReadResolved(
        KafkaClients clients, Metadata metadata, string dlqTopic, CancellationToken cancellationToken)
    {
        var resolutions = new DeadLetterResolutions();
        if (FindPartitions(metadata, DeadLetterHeaders.AuditTopic) is not { } partitions)
        {
            return resolutions.For(dlqTopic);
        }

        foreach (var record in ReadAll(clients, DeadLetterHeaders.AuditTopic, partitions, cancellationToken))
        {
            if (DeadLetterAudit.TryParse(record.Value) is { } audit && audit.DlqTopic == dlqTopic)
            {
                resolutions.Apply(audit);
            }
        }

        return resolutions.For(dlqTopic);
    }

    /// <summary>A producer of raw bytes that waits for every in-sync replica and keeps records in order (one request in flight).</summary>
    public static IProducer<byte[], byte[]> CreateProducer(KafkaClients clients) => KafkaClients.Build(() =>
        new ProducerBuilder<byte[], byte[]>(clients.Apply(new ProducerConfig
        {
            Acks = Acks.All,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
            MessageTimeoutMs = 3 * TimeoutMs,
            TopicMetadataPropagationMaxMs = TimeoutMs / 2,
            EnableIdempotence = false,
            MaxInFlight = 1,
        }))
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler((_, error) => clients.Observe(error))
        .Build());

    private static IConsumer<byte[], byte[]> CreateConsumer(KafkaClients clients) => KafkaClients.Build(() =>
        new ConsumerBuilder<byte[], byte[]>(clients.Apply(new ConsumerConfig
        {
            GroupId = $"herald-cli-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = true,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
        }))
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler((_, error) => clients.Observe(error))
        .Build());

    private static WatermarkOffsets QueryWatermarks(IConsumer<byte[], byte[]> consumer, KafkaClients clients, string topic, int partition)
    {
        try
        {
            return consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), KafkaClients.RequestTimeout);
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e, topic);
        }
    }

    private static ConsumeResult<byte[], byte[]>? Consume(IConsumer<byte[], byte[]> consumer, KafkaClients clients, string topic)
    {
        try
        {
            return consumer.Consume(PollInterval);
        }
        catch (ConsumeException e)
        {
            throw clients.Describe(e.Error, e, topic);
        }
    }
}
