using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Herald.Benchmarks.E2e;

/// <summary>
/// Herald driven by the real Kafka client (Confluent.Kafka / librdkafka): a fresh broker over a fresh data folder,
/// as a <c>herald serve</c> process (default) or in-process. Client settings are librdkafka's defaults plus
/// <c>acks=all</c> and whatever <c>--kafka-producer</c>/<c>--kafka-consumer</c> add.
/// </summary>
public sealed partial class HeraldTarget(E2eOptions options) : IBenchmarkTarget
{
    private string? _dataDirectory;
    private HeraldHost? _host;

    /// <inheritdoc />
    public string Name => options.Herald == HeraldMode.InProcess ? "Herald (in-process)" : "Herald";

    /// <summary>The broker's Kafka bootstrap address, once started.</summary>
    public string Bootstrap => _host?.Bootstrap ?? throw new InvalidOperationException("not started");

    /// <summary>The broker's HTTP listener (<c>/metrics</c>), once started.</summary>
    public Uri HttpAddress => _host?.HttpAddress ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _dataDirectory = Scratch.CreateDirectory("herald-bench-");
        _host = options.Herald == HeraldMode.InProcess
            ? await HeraldHost.StartInProcessAsync(_dataDirectory, cancellationToken).ConfigureAwait(false)
            : await HeraldHost.StartProcessAsync(_dataDirectory, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task CreateStreamAsync(string name, int partitions, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = 1 }]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public long? PeakRssBytes() => _host?.PeakRssBytes();

    /// <summary>CPU time the broker has used so far, or null in-process (where it cannot be told apart from the rig).</summary>
    public TimeSpan? BrokerCpuTime() => _host?.CpuTime();

    /// <summary>The producer settings: librdkafka defaults except acks=all (and linger for the latency run).</summary>
    private ProducerConfig ProducerConfig(double? lingerMs = null)
    {
        var config = new ProducerConfig { BootstrapServers = Bootstrap, Acks = Acks.All, LingerMs = lingerMs };
        foreach (var (key, value) in options.KafkaProducer)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>A consumer that is only ever assigned partitions (no group membership, no commits).</summary>
    private IConsumer<Ignore, byte[]> AssignedConsumer(string topic, int partitions)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            // Confluent.Kafka insists on a group.id; with Assign and no commits it is never joined.
            GroupId = "herald-bench-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
        };
        foreach (var (key, value) in options.KafkaConsumer)
        {
            config.Set(key, value);
        }

        var consumer = new ConsumerBuilder<Ignore, byte[]>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        return consumer;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataDirectory is not null)
        {
            Scratch.Delete(_dataDirectory);
        }
    }
}
