using Confluent.Kafka;
using Herald.EventStore.Projections;

namespace Herald.EventStore.Forwarding;

/// <summary>Where and how an <see cref="EventForwarder"/> publishes the global feed.</summary>
/// <param name="Topic">The Kafka topic every forwarded event goes to.</param>
/// <param name="BootstrapServers">The broker addresses, <c>host:port[,host:port]</c>.</param>
public sealed record EventForwarderOptions(string Topic, string BootstrapServers)
{
    /// <summary>The checkpoint's name in the store's checkpoints table. Default null: <c>forward:{Topic}</c>.</summary>
    public string? CheckpointName { get; init; }

    /// <summary>The checkpoint name in effect (resolved when read, so <c>with { Topic = … }</c> follows the topic).</summary>
    internal string ResolvedCheckpointName => CheckpointName ?? "forward:" + Topic;

    /// <summary>Events read, published and checkpointed together. Default 500.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>How long to wait before looking for new events once caught up. Default 200 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The first wait after a failed batch; it doubles on each further failure. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries. Default 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the producer keeps trying to deliver a record before the batch counts as failed
    /// (librdkafka's <c>message.timeout.ms</c>). Default 30 s.
    /// </summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Only streams whose id starts with this are forwarded (ordinal). Default all.</summary>
    public string? StreamPrefix { get; init; }

    /// <summary>
    /// Only events this returns true for are forwarded; the rest are skipped (the checkpoint still moves past them).
    /// Applied after <see cref="StreamPrefix"/>. Default all.
    /// </summary>
    public Func<RecordedEvent, bool>? Filter { get; init; }

    /// <summary>
    /// Changes the producer's configuration (security, compression, timeouts). Acks=all and idempotence are set first;
    /// turning them off gives up the delivery guarantee.
    /// </summary>
    public Action<ProducerConfig>? ConfigureProducer { get; init; }

    /// <summary>Whether <paramref name="recorded"/> is forwarded: not a system stream, and passes the prefix and the filter.</summary>
    internal bool Forwards(RecordedEvent recorded) =>
        !ProjectionRunner.IsSystemStream(recorded.StreamId)
        && (StreamPrefix is null || recorded.StreamId.StartsWith(StreamPrefix, StringComparison.Ordinal))
        && (Filter is null || Filter(recorded));
}
