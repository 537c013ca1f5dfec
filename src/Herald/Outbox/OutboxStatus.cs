namespace Herald.Outbox;

/// <summary>What an outbox holds right now, for <c>herald outbox status</c>, the relay's metrics and the backlog limits.</summary>
/// <param name="BacklogRows">Rows waiting to be published (committed and not yet acknowledged by the broker).</param>
/// <param name="OldestCreatedAt">When the oldest waiting row was enqueued; null when the backlog is empty.</param>
/// <param name="DeadRows">Rows moved to the dead table after failing <see cref="OutboxRelayOptions.PoisonAttempts"/> times.</param>
/// <param name="RecentDead">The most recently dead-lettered rows (at most 20), newest first.</param>
/// <param name="Relays">Each relay name's lease holder and cursor.</param>
/// <param name="ReadAt">When the store was read (the store's clock).</param>
public sealed record OutboxStatus(
    long BacklogRows,
    DateTimeOffset? OldestCreatedAt,
    long DeadRows,
    IReadOnlyList<OutboxDeadRow> RecentDead,
    IReadOnlyList<OutboxRelayState> Relays,
    DateTimeOffset ReadAt)
{
    /// <summary>How long the oldest waiting row has waited at <paramref name="now"/> (zero when nothing waits).</summary>
    public TimeSpan OldestAgeAt(DateTimeOffset now) =>
        OldestCreatedAt is { } oldest && now > oldest ? now - oldest : TimeSpan.Zero;
}

/// <summary>A row the relay gave up on: it is not published, and consumers of its key miss this one event.</summary>
/// <param name="EventId">Its <c>event_id</c>.</param>
/// <param name="Topic">The topic it was meant for.</param>
/// <param name="Key">The Kafka key it would have had (may be personal data: show it only to operators).</param>
/// <param name="EventType">Its <c>event_type</c>.</param>
/// <param name="Attempts">How many publishes failed.</param>
/// <param name="LastError">The producer's last error for it.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
/// <param name="DeadAt">When the relay gave up on it.</param>
public sealed record OutboxDeadRow(
    Guid EventId,
    string Topic,
    string? Key,
    string EventType,
    int Attempts,
    string LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset DeadAt);

/// <summary>One relay name's lease and cursor.</summary>
/// <param name="Relay">The relay name.</param>
/// <param name="Owner">The instance holding (or last holding) the lease; null when none ever took it.</param>
/// <param name="LeaseExpiresAt">When that lease runs out unless renewed.</param>
/// <param name="Cursor">The last position the relay completed; null before its first completion.</param>
public sealed record OutboxRelayState(string Relay, string? Owner, DateTimeOffset? LeaseExpiresAt, OutboxPosition? Cursor);
