using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using System.Text.Json;
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
    private readonly HeraldOptions _options;
    private readonly EventContracts _contracts;
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
        _options = options;
        _contracts = contracts;
        _telemetry = new PublisherTelemetry(meterFactory);
        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
        };
        options.ConfigureProducer?.Invoke(config);
        _producer = new ProducerBuilder<string?, byte[]>(config).Build();
    }

    /// <summary>The underlying producer, shared with the consumer host for dead letters.</summary>
    internal IProducer<string?, byte[]> Producer => _producer;

    public async Task<PublishResult> PublishAsync<TEvent>(TEvent @event, PublishContext? context = null, CancellationToken cancellationToken = default)
        where TEvent : notnull
    {
        var contract = _contracts.Get(@event.GetType());
        var topic = context?.Topic ?? _options.TopicsByContract.GetValueOrDefault(contract.Type) ?? contract.Topic
            ?? throw new InvalidOperationException($"no topic for {contract.Type.Name}: map it with options.Topic<{contract.Type.Name}>(\"...\") or [EventContract(Topic = \"...\")]");
        var topicOptions = _options.TopicOptionsFor(topic);
        var eventId = Guid.CreateVersion7();
        var key = contract.KeyOf(@event);
        if (key is null && !topicOptions.AllowUnkeyed)
        {
            throw new UnkeyedEventException(contract.KeyProperty is null
                ? $"{contract.Type.Name} has no [PartitionKey] property, and topic '{topic}' keeps per-key order. Mark the entity id with [PartitionKey], or configure the topic as unkeyed (ConfigureTopic(\"{topic}\", t => t with {{ AllowUnkeyed = true }})) if order does not matter."
                : $"{contract.Type.Name}.{contract.KeyProperty} is null; its events cannot be ordered per entity on topic '{topic}'.");
        }

        if (key is not null && topicOptions.HotKeyBuckets > 1)
        {
            // Spread one hot entity over N partitions; its events lose their relative order (documented on TopicOptions).
            key = string.Create(CultureInfo.InvariantCulture, $"{key}#{(uint)eventId.GetHashCode() % (uint)topicOptions.HotKeyBuckets}");
        }

        var correlationId = context?.CorrelationId ?? eventId.ToString();
        var headers = new Headers
        {
            { EnvelopeHeaders.EventId, Encoding.UTF8.GetBytes(eventId.ToString()) },
            { EnvelopeHeaders.EventType, Encoding.UTF8.GetBytes(contract.EventType) },
            { EnvelopeHeaders.EventVersion, Encoding.UTF8.GetBytes(contract.Version.ToString(CultureInfo.InvariantCulture)) },
            { EnvelopeHeaders.OccurredAt, Encoding.UTF8.GetBytes((context?.OccurredAt ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture)) },
            { EnvelopeHeaders.CorrelationId, Encoding.UTF8.GetBytes(correlationId) },
        };
        if (context?.CausationId is { } causation)
        {
            headers.Add(EnvelopeHeaders.CausationId, Encoding.UTF8.GetBytes(causation));
        }

        var payload = JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), ContractSchema.DefaultSerializerOptions);
        using var activity = PublisherTelemetry.StartSend(topic, key, contract, @event, eventId, correlationId);

        // Without a listener on the send span, the caller's trace (e.g. an ASP.NET Core request) still travels with the event.
        TraceContextHeaders.Inject(activity ?? Activity.Current, headers);
        try
        {
            var delivery = await _producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = key, Value = payload, Headers = headers }, cancellationToken).ConfigureAwait(false);
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
