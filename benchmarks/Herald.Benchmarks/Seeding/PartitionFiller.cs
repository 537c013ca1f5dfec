using Confluent.Kafka;
using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks.Seeding;

/// <summary>Fills partitions with 100-byte records through a real producer (acks=all), waiting out a full local queue; used by the benchmarks' seeders.</summary>
internal static class PartitionFiller
{
    /// <summary>Produces <paramref name="records"/> records to each of <paramref name="partitions"/> and flushes; throws when any delivery failed.</summary>
    public static void Fill(string bootstrap, IReadOnlyList<TopicPartition> partitions, int records, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 20 }).Build();
        var message = new Message<Null, byte[]> { Value = Payload.Create(100) };
        long errors = 0;
        string? firstError = null;
        void OnDelivery(DeliveryReport<Null, byte[]> report)
        {
            if (report.Error.IsError && Interlocked.Increment(ref errors) == 1)
            {
                firstError = report.Error.ToString();
            }
        }

        foreach (var partition in partitions)
        {
            for (int r = 0; r < records; r++)
            {
                while (true)
                {
                    try
                    {
                        producer.Produce(partition, message, OnDelivery);
                        break;
                    }
                    catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        Thread.Sleep(1);
                    }
                }
            }
        }

        producer.Flush(cancellationToken);
        if (errors > 0)
        {
            throw new InvalidOperationException($"seeding: {errors} delivery errors (first: {firstError})");
        }
    }
}
