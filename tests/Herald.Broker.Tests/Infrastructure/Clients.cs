using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Herald.Broker.Tests.Infrastructure;

/// <summary>Real Confluent.Kafka (librdkafka) clients with default settings, pointed at a test broker.</summary>
public static class Clients
{
    /// <param name="onError">Receives the client's errors (a failed login is reported only there); null keeps librdkafka's default.</param>
    public static IProducer<string?, string> Producer(string bootstrap, Action<ProducerConfig>? configure = null, Action<Error>? onError = null)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrap };
        configure?.Invoke(config);
        var builder = new ProducerBuilder<string?, string>(config);
        if (onError is not null)
        {
            builder.SetErrorHandler((_, error) => onError(error));
        }

        return builder.Build();
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

    public static IAdminClient Admin(string bootstrap, Action<AdminClientConfig>? configure = null)
    {
        var config = new AdminClientConfig { BootstrapServers = bootstrap };
        configure?.Invoke(config);
        return new AdminClientBuilder(config).Build();
    }

    /// <summary>Logs in with SASL <paramref name="mechanism"/> (<c>PLAIN</c>, <c>SCRAM-SHA-256</c>, ...) over plaintext, as any librdkafka client would.</summary>
    public static void Login(ClientConfig config, string mechanism, string user, string password)
    {
        config.SecurityProtocol = SecurityProtocol.SaslPlaintext;
        config.Set("sasl.mechanisms", mechanism);
        config.SaslUsername = user;
        config.SaslPassword = password;
    }

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
