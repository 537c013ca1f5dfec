using System.Data.Common;

namespace Herald.Inbox;

/// <summary>
/// The idempotent inbox: which events a consumer group has processed (<c>processed_events</c>) and how often each
/// was attempted (<c>consumer_attempts</c>), in the same database as the handlers' own data.
/// </summary>
/// <remarks>
/// Handlers write through <see cref="IInboxTransaction.Connection"/> and <see cref="IInboxTransaction.Transaction"/>,
/// so their effects and the inbox row commit or roll back together: a redelivered event finds its row and is skipped.
/// Implementations: SQLite (embedded default) and PostgreSQL; one compliance suite tests both.
/// </remarks>
public interface IInboxStore
{
    /// <summary>Creates the inbox tables if they do not exist.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a connection and begins the transaction in which a batch of events is handled.</summary>
    Task<IInboxTransaction> BeginAsync(string consumerGroup, CancellationToken cancellationToken = default);

    /// <summary>
    /// Durably adds one attempt for each event (in a transaction of its own, committed before any handler runs),
    /// and returns the new attempt counts in the same order.
    /// </summary>
    Task<IReadOnlyList<int>> RecordAttemptsAsync(string consumerGroup, IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default);

    /// <summary>Deletes processed rows (and stale attempt rows) older than <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);
}

/// <summary>A unit of work over the inbox and the handlers' data.</summary>
public interface IInboxTransaction : IAsyncDisposable
{
    /// <summary>The open connection handlers write through.</summary>
    DbConnection Connection { get; }

    /// <summary>The transaction handlers must enlist their commands in.</summary>
    DbTransaction Transaction { get; }

    /// <summary>Whether the group already processed <paramref name="eventId"/> (committed by an earlier delivery).</summary>
    Task<bool> IsProcessedAsync(Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>Records <paramref name="eventId"/> as processed (and forgets its attempts) within this transaction.</summary>
    Task MarkProcessedAsync(Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>Which of <paramref name="eventIds"/> the group already processed, in one query.</summary>
    Task<IReadOnlySet<Guid>> FindProcessedAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default);

    /// <summary>Records every one of <paramref name="eventIds"/> as processed in one statement (attempt rows are left to purge).</summary>
    /// <exception cref="InboxConflictException">One of them was committed by another delivery first.</exception>
    Task MarkProcessedAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default);

    /// <summary>Commits the handlers' writes and the inbox rows together.</summary>
    /// <exception cref="InboxConflictException">Another delivery of one of the events committed first.</exception>
    Task CommitAsync(CancellationToken cancellationToken = default);
}

/// <summary>A concurrent delivery of the same event committed first; this transaction's effects were rolled back.</summary>
public sealed class InboxConflictException : Exception
{
    public InboxConflictException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
