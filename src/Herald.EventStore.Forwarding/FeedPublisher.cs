using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Herald.EventStore.Forwarding;

/// <summary>
/// One idempotent, acks=all producer that publishes batches of stored events and waits until the broker has
/// acknowledged every one of them; shared by the forwarder and the replayer.
/// </summary>
internal sealed class FeedPublisher : IDisposable
{
    private readonly ProducerConfig _config;
    private readonly ILogger _logger;
    private IProducer<string, byte[]> _producer;

    public FeedPublisher(string bootstrapServers, TimeSpan deliveryTimeout, Action<ProducerConfig>? configure, ILogger logger)
    {
        _config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            // A record counts as published only once every in-sync replica has it; idempotence keeps librdkafka's
            // own retries from duplicating or reordering records within a partition.
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = (int)Math.Clamp(deliveryTimeout.TotalMilliseconds, 1, int.MaxValue),
        };
        configure?.Invoke(_config);
        _logger = logger;
        _producer = Build();
    }

    /// <summary>Publishes <paramref name="events"/> in order and returns once all are acknowledged.</summary>
    /// <exception cref="ForwardingException">Some event was not acknowledged; names the first one.</exception>
    public async Task PublishAsync(string topic, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var deliveries = new Task<DeliveryResult<string, byte[]>>[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            // Not awaited one by one: the whole batch is in flight at once and awaited together below.
            deliveries[i] = Produce(topic, events[i]);
        }

        try
        {
            await Task.WhenAll(deliveries).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException)
        {
            var failed = Array.FindIndex(deliveries, d => d.IsFaulted);
            var exception = deliveries[failed].Exception!.InnerException!;
            var error = (exception as KafkaException)?.Error ?? new Error(ErrorCode.Unknown, exception.Message);
            if (error.IsFatal)
            {
                // A fatal error leaves the idempotent producer unusable; the next batch gets a new one.
                Rebuild();
            }

            var at = events[failed];
            throw new ForwardingException(
                $"the broker did not acknowledge the event at position {at.GlobalPosition} (stream '{at.StreamId}' version {at.StreamVersion}) on topic '{topic}': {error.Reason}",
                at.GlobalPosition,
                // Every event before the first failure was acknowledged (positions are contiguous; skipped ones count as handled).
                at.GlobalPosition - 1,
                error,
                exception);
        }
    }

    private Task<DeliveryResult<string, byte[]>> Produce(string topic, RecordedEvent recorded)
    {
        try
        {
            return _producer.ProduceAsync(topic, EventMessage.From(recorded), CancellationToken.None);
        }
        catch (KafkaException exception)
        {
            // E.g. an invalid topic name or a full local queue, reported before anything was sent.
            return Task.FromException<DeliveryResult<string, byte[]>>(exception);
        }
    }

    public void Dispose() => _producer.Dispose();

    private void Rebuild()
    {
        _producer.Dispose();
        _producer = Build();
    }

    private IProducer<string, byte[]> Build() =>
        new ProducerBuilder<string, byte[]>(_config)
            // librdkafka logs every failed connection attempt; the caller reports failed batches, these are detail.
            .SetLogHandler((_, message) => _logger.LogDebug("librdkafka {Facility}: {Message}", message.Facility, message.Message))
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    _logger.LogError("Kafka producer fatal error: {Reason}", error.Reason);
                }
                else
                {
                    _logger.LogDebug("Kafka producer error: {Reason}", error.Reason);
                }
            })
            .Build();
}
