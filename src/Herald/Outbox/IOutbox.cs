using System.Data.Common;
using Herald.Publishing;

namespace Herald.Outbox;

/// <summary>
/// The transactional outbox: events written as rows in the application's own database transaction, published by the
/// relay (<c>OutboxRelay</c>) only after that transaction committed — an event is published if and only if the state
/// change that caused it committed.
/// </summary>
/// <remarks>
/// In handlers, <see cref="Consuming.EventContext.PublishAsync{TEvent}"/> enqueues into the handler's inbox transaction.
/// Outside handlers, pass the <see cref="DbTransaction"/> the state change is written in; it must belong to the database
/// the outbox store was configured with.
/// </remarks>
public interface IOutbox
{
    /// <summary>
    /// Builds the event's envelope (a new, stable <c>event_id</c>, type, version, correlation and causation) and writes it
    /// as an outbox row in <paramref name="transaction"/>; returns the event id.
    /// </summary>
    /// <exception cref="UnkeyedEventException">The contract has no key and the topic keeps per-key order.</exception>
    /// <exception cref="OutboxBacklogExceededException">The backlog is over its limits and the policy is to refuse new work.</exception>
    ValueTask<Guid> EnqueueAsync<TEvent>(TEvent @event, DbTransaction transaction, PublishContext? context = null, CancellationToken cancellationToken = default)
        where TEvent : notnull;
}

/// <summary>
/// The outbox backlog is over its configured limits (rows or age) and the policy is to refuse new work: the application
/// should turn this into a 503 with <see cref="RetryAfter"/>.
/// </summary>
public sealed class OutboxBacklogExceededException : Exception
{
    public OutboxBacklogExceededException(string message, TimeSpan retryAfter)
        : base(message)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>A hint for the caller's <c>Retry-After</c>.</summary>
    public TimeSpan RetryAfter { get; }
}
