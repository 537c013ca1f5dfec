using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Herald.Broker.Tests.Infrastructure;

/// <summary>Real Confluent.Kafka (librdkafka) clients with default settings, pointed at a test broker.</summary>
public static class Clients
{
    public static IProducer<string?, string> Producer(string bootstrap, Action<ProducerConfig>? configure = null)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrap };
        configure?.Invoke(config);
        return new ProducerBuilder<string?, string>(config).Build();
    }

    public static IConsumer<string?, string> Consumer(string bootstrap, string group, Action<ConsumerConfig>? configure = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        configure?.Invoke(config);
        return new ConsumerBuilder<string?, string>(config).Build();
    }

    public static IAdminClient Admin(string bootstrap) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();

    public static async Task CreateTopicAsync(string bootstrap, string topic, int partitions, Dictionary<string, string>? configs = null)
    {
        using var admin = Admin(bootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1, Configs = configs }]);
    }

    /// <summary>Consumes until <paramref name="count"/> records arrived, failing after <paramref name="timeout"/>.</summary>
    public static List<ConsumeResult<string?, string>> ConsumeExactly(IConsumer<string?, string> consumer, int count, TimeSpan? timeout = null)
    {
        var results = new List<ConsumeResult<string?, string>>(count);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (results.Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"consumed {results.Count} of {count} records before the timeout");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is not null && !result.IsPartitionEOF)
            {
                results.Add(result);
            }
        }

        return results;
    }
}
