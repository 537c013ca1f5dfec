using System.Text;
using Confluent.Kafka;
using Herald.Cdc.Model;

namespace Herald.Cdc.Connector;

/// <summary>
/// Produces change records with <c>acks=all</c> and idempotence, and tracks which of them the broker acknowledged so the
/// connector confirms a transaction's LSN to the slot only once all its records are durable.
/// </summary>
/// <remarks>
/// Delivery never times out (<c>message.timeout.ms=0</c>): while the broker is down the producer keeps retrying, the
/// local queue fills, <see cref="PublishAsync"/> waits, capture pauses and the slot holds the WAL, so nothing is lost.
/// </remarks>
internal sealed class CdcPublisher : IDisposable
{
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(20);
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly AcknowledgementTracker _tracker = new();
    private volatile string? _brokerError;
    private volatile Exception? _failure;

    public CdcPublisher(string bootstrapServers, Action<ProducerConfig>? configure, Action<string>? onBrokerError)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            EnableIdempotence = true,
            MessageTimeoutMs = 0,
            LingerMs = 5,
            QueueBufferingMaxMessages = 200_000,
            ClientId = "herald-cdc",
        };
        configure?.Invoke(config);
        _producer = new ProducerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    _failure = new KafkaException(error);
                }

                _brokerError = error.Reason;
                onBrokerError?.Invoke(error.Reason);
            })
            .SetLogHandler((_, _) => { })
            .Build();
    }

    public AcknowledgementTracker Tracker => _tracker;

    /// <summary>The last error the producer reported (e.g. all brokers down), cleared by the next acknowledgement.</summary>
    public string? BrokerError => _brokerError;

    /// <summary>A delivery that failed for good; the connector must stop without confirming past it.</summary>
    public Exception? Failure => _failure;

    /// <summary>Hands one record to the producer; waits while its local queue is full.</summary>
    public async ValueTask PublishAsync(CdcRecord record, CancellationToken cancellationToken)
    {
        var message = new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value };
        if (record.Headers.Count > 0)
        {
            message.Headers = [];
            foreach (var (key, value) in record.Headers)
            {
                message.Headers.Add(key, Encoding.UTF8.GetBytes(value));
            }
        }

        var sequence = _tracker.Next();
        while (true)
        {
            ThrowIfFailed();
            try
            {
                _producer.Produce(record.Topic, message, report => OnDelivery(sequence, report));
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                await Task.Delay(QueueFullBackoff, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Marks the end of a transaction: its <paramref name="lsn"/> is confirmable once its records are acknowledged.</summary>
    public void Checkpoint(ulong lsn) => _tracker.Checkpoint(lsn);

    /// <summary>Waits until every record handed over so far is acknowledged.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = _tracker.Published;
        while (_tracker.Acknowledged < target)
        {
            ThrowIfFailed();
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    public void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new CdcException($"the broker refused a change record ({failure.Message}); the slot was not confirmed past it, restart to resend", failure);
        }
    }

    private void OnDelivery(long sequence, DeliveryReport<byte[]?, byte[]?> report)
    {
        if (report.Error.IsError)
        {
            // With idempotence and no message timeout only fatal errors end here; keep the slot where it is.
            _failure ??= new KafkaException(report.Error);
            return;
        }

        _brokerError = null;
        _tracker.Acknowledge(sequence);
    }

    public void Dispose() => _producer.Dispose();
}
