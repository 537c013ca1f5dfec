using System.Text;
using Confluent.Kafka;
using Herald.Contracts;

namespace Herald.Cli.Drills;

/// <summary>One record seen on the order-flow topic: which order, which event, where.</summary>
internal sealed record ObservedEvent(Guid OrderId, string EventType, Guid EventId, int Partition, long Offset);

/// <summary>
/// Reads the order-flow topic from the beginning, outside any consumer group, and keeps every record's envelope: what
/// the drills check "exactly once" and "in order per order id" against. Partitions are assigned, not subscribed, so a
/// broker restart resumes where it was instead of re-reading from the beginning.
/// </summary>
internal sealed class OrderFlowObserver : IDisposable
{
    private readonly IConsumer<string?, byte[]> _consumer;
    private readonly List<ObservedEvent> _events = [];
    private readonly HashSet<(int, long)> _positions = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    public OrderFlowObserver(string bootstrap, string topic, int partitions)
    {
        _consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "herald-drill-observer",
            EnableAutoCommit = false,
        })
            // The outage drill kills the broker under it: librdkafka's reconnect complaints are expected, not news.
            .SetErrorHandler((_, _) => { })
            .SetLogHandler((_, _) => { })
            .Build();
        _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        _thread = new Thread(Run) { IsBackground = true, Name = "order-flow-observer" };
        _thread.Start();
    }

    /// <summary>Every record seen so far, in the order read (per partition: log order).</summary>
    public IReadOnlyList<ObservedEvent> All()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    /// <summary>The records of one order, in log order (one order's records share a partition).</summary>
    public IReadOnlyList<ObservedEvent> For(Guid orderId) => [.. All().Where(e => e.OrderId == orderId)];

    /// <summary>Whether <paramref name="orderId"/>'s records include <paramref name="eventType"/>.</summary>
    public bool Saw(Guid orderId, string eventType) => All().Any(e => e.OrderId == orderId && e.EventType == eventType);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsCancellationRequested)
        {
            ConsumeResult<string?, byte[]>? record;
            try
            {
                record = _consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException)
            {
                // The broker went away (the outage drill kills it); librdkafka reconnects on its own.
                continue;
            }

            if (record?.Message is null || !Guid.TryParse(record.Message.Key, out var orderId))
            {
                continue;
            }

            var headers = record.Message.Headers;
            string? Header(string name) => headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
            if (Header(EnvelopeHeaders.EventType) is not { } eventType || !Guid.TryParse(Header(EnvelopeHeaders.EventId), out var eventId))
            {
                continue;
            }

            lock (_gate)
            {
                if (_positions.Add((record.Partition.Value, record.Offset.Value)))
                {
                    _events.Add(new ObservedEvent(orderId, eventType, eventId, record.Partition.Value, record.Offset.Value));
                }
            }
        }
    }
}
