namespace Herald.Publishing;

/// <summary>Publishes events, keyed by their contract so one entity's events stay in order.</summary>
public interface IEventPublisher
{
    /// <summary>Publishes <paramref name="event"/> to its topic with acks=all and waits for the broker's acknowledgement.</summary>
    /// <exception cref="UnkeyedEventException">The contract has no key (or the key is null) and the topic is not configured as unkeyed.</exception>
    Task<PublishResult> PublishAsync<TEvent>(TEvent @event, PublishContext? context = null, CancellationToken cancellationToken = default)
        where TEvent : notnull;
}

/// <summary>Where an event landed.</summary>
public sealed record PublishResult(Guid EventId, string Topic, int Partition, long Offset);

/// <summary>Optional envelope values for a publish: the flow it belongs to and what caused it.</summary>
/// <param name="CorrelationId">Shared by every event of one business flow; a new one is made when null.</param>
/// <param name="CausationId">The id of the event that caused this one.</param>
/// <param name="Topic">Overrides the contract's topic.</param>
/// <param name="OccurredAt">When the fact happened; default now.</param>
public sealed record PublishContext(string? CorrelationId = null, string? CausationId = null, string? Topic = null, DateTimeOffset? OccurredAt = null);

/// <summary>An event without a key, on a topic that keeps per-key order.</summary>
public sealed class UnkeyedEventException : InvalidOperationException
{
    public UnkeyedEventException(string message)
        : base(message)
    {
    }
}
