namespace Herald.Outbox;

/// <summary>What <see cref="IOutbox.EnqueueAsync{TEvent}"/> does while the backlog is over <see cref="OutboxRelayOptions.Backlog"/>.</summary>
public enum BrokerDownMode
{
    /// <summary>Keep accepting work: rows pile up in the outbox and drain in order when the broker is back (the default).</summary>
    Buffer,

    /// <summary>Refuse new work with <see cref="OutboxBacklogExceededException"/>, which the application turns into a 503.</summary>
    Reject,
}
