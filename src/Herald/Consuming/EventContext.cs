using System.Data.Common;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Publishing;

namespace Herald.Consuming;

/// <summary>Everything a handler knows about the event it handles, and the transaction its effects belong to.</summary>
public sealed class EventContext
{
    private readonly IOutbox? _outbox;

    internal EventContext(EventEnvelope envelope, string topic, int partition, long offset, int attempt, string consumerGroup, DbConnection connection, DbTransaction transaction, IOutbox? outbox = null)
    {
        _outbox = outbox;
        Envelope = envelope;
        Topic = topic;
        Partition = partition;
        Offset = offset;
        Attempt = attempt;
        ConsumerGroup = consumerGroup;
        Connection = connection;
        Transaction = transaction;
    }

    public EventEnvelope Envelope { get; }

    /// <summary>The outbox of the handler's scope, for the saga engine's publishes.</summary>
    internal IOutbox? Outbox => _outbox;

    public string Topic { get; }

    public int Partition { get; }

    public long Offset { get; }

    /// <summary>1 for the first delivery attempt, counted durably across restarts.</summary>
    public int Attempt { get; }

    public string ConsumerGroup { get; }

    /// <summary>The inbox connection: the handler's writes go here so they commit with the inbox row.</summary>
    public DbConnection Connection { get; }

    /// <summary>The inbox transaction every command must enlist in.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>A publish context for events this one causes: same correlation id, this event as the cause.</summary>
    public PublishContext Caused(string? topic = null) =>
        new(Envelope.CorrelationId ?? Envelope.EventId.ToString(), Envelope.EventId.ToString(), topic);

    /// <summary>
    /// Publishes an event this one causes through the transactional outbox: the row is written in <see cref="Transaction"/>,
    /// so the event is published if and only if this handler's transaction commits. Same correlation id; this event is the cause.
    /// </summary>
    /// <exception cref="InvalidOperationException">No outbox is configured (<c>UseSqlite</c>, <c>UsePostgreSql</c> or <c>UseOutbox</c> in <c>AddHerald</c>).</exception>
    public ValueTask<Guid> PublishAsync<TEvent>(TEvent @event, string? topic = null, CancellationToken cancellationToken = default)
        where TEvent : notnull =>
        (_outbox ?? throw new InvalidOperationException("handlers publish through the transactional outbox: configure one in AddHerald (o.UseSqlite(...), o.UsePostgreSql(...) or o.UseOutbox(...))"))
            .EnqueueAsync(@event, Transaction, Caused(topic), cancellationToken);
}
