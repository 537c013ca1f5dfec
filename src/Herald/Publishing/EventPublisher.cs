using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.Diagnostics;

namespace Herald.Publishing;

/// <summary>The Confluent.Kafka-based <see cref="IEventPublisher"/>: JSON payload, envelope in headers, acks=all, idempotent.</summary>
/// <remarks>
/// Each publish runs in a <c>send {topic}</c> span (source <see cref="HeraldDiagnostics.PublisherSourceName"/>) whose
/// context, or else the current activity's, is written to the record's <c>traceparent</c>/<c>tracestate</c> headers.
/// </remarks>
public sealed class EventPublisher : IEventPublisher, IDisposable
{
    private readonly EnvelopeFactory _envelopes;
    private readonly IProducer<string?, byte[]> _producer;
    private readonly PublisherTelemetry _telemetry;
    private int _disposed;

    public EventPublisher(HeraldOptions options, EventContracts contracts)
        : this(options, contracts, meterFactory: null)
    {
    }

    /// <summary>Creates the publisher with its counter on the <c>Herald.Sdk</c> meter of <paramref name="meterFactory"/> (null: a process-wide meter).</summary>
    public EventPublisher(HeraldOptions options, EventContracts contracts, IMeterFactory? meterFactory)
    {
        _envelopes = new EnvelopeFactory(options, contracts);
        _telemetry = new PublisherTelemetry(meterFactory);
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
        };
        options.ApplySecurity(config);
        options.ConfigureProducer?.Invoke(config);
        _producer = new ProducerBuilder<string?, byte[]>(config).Build();
    }

    /// <summary>The underlying producer, shared with the consumer host for dead letters.</summary>
    internal IProducer<string?, byte[]> Producer => _producer;

    public async Task<PublishResult> PublishAsync<TEvent>(TEvent @event, PublishContext? context = null, CancellationToken cancellationToken = default)
        where TEvent : notnull
    {
        var outgoing = _envelopes.Create(@event, context);
        var (eventId, topic, key, contract) = (outgoing.EventId, outgoing.Topic, outgoing.Key, outgoing.Contract);
        var headers = outgoing.ToKafkaHeaders();
        using var activity = PublisherTelemetry.StartSend(topic, key, contract, @event, eventId, outgoing.CorrelationId);

        // Without a listener on the send span, the caller's trace (e.g. an ASP.NET Core request) still travels with the event.
        TraceContextHeaders.Inject(activity ?? Activity.Current, headers);
        try
        {
            var delivery = await _producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = key, Value = outgoing.Payload, Headers = headers }, cancellationToken).ConfigureAwait(false);
            _telemetry.Sent(activity, delivery, contract.EventType);
            return new PublishResult(eventId, delivery.Topic, delivery.Partition.Value, delivery.Offset.Value);
        }
        catch (Exception ex)
        {
            PublisherTelemetry.Failed(activity, ex);
            throw;
        }
    }

    /// <summary>Flushes what is still in flight and closes the producer. Safe to call twice (DI and owners both may).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _producer.Flush(TimeSpan.FromSeconds(10));
        _producer.Dispose();
    }
}
