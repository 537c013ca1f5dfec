namespace Herald.Outbox;

/// <summary>A committed, not yet published outbox row as the relay reads it.</summary>
/// <param name="Position">Its place in commit order.</param>
/// <param name="Message">What to produce.</param>
/// <param name="Attempts">How many publishes of this row failed with a permanent error so far.</param>
/// <param name="CreatedAt">When it was enqueued.</param>
public sealed record OutboxRecord(OutboxPosition Position, OutboxMessage Message, int Attempts, DateTimeOffset CreatedAt);
