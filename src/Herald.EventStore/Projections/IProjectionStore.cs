using System.Data.Common;

namespace Herald.EventStore.Projections;

/// <summary>
/// The database access projections need beyond <see cref="IEventStore"/>: connections and transactions on the event
/// store's own database, a way to hold appends back, the feed's head, and where checkpoints live.
/// Both <c>SqliteEventStore</c> and <c>PostgreSqlEventStore</c> implement it.
/// </summary>
public interface IProjectionStore : IEventStore
{
    /// <summary>Which SQL the database speaks.</summary>
    SqlDialect Dialect { get; }

    /// <summary>The checkpoints table (<c>name</c>, <c>position</c>, <c>status</c>, <c>error</c>, <c>failed_position</c>, <c>updated_at</c>), created by <see cref="IEventStore.EnsureCreatedAsync"/>.</summary>
    string CheckpointTable { get; }

    /// <summary>Opens a connection to the event store's database.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Begins a write transaction. With <paramref name="holdAppends"/>, no append can commit until it ends (PostgreSQL:
    /// the append advisory lock; SQLite always: <c>BEGIN IMMEDIATE</c> takes the single write lock).
    /// </summary>
    /// <param name="connection">A connection from <see cref="OpenConnectionAsync"/>.</param>
    /// <param name="holdAppends">Whether to keep appends out until the transaction ends.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task<DbTransaction> BeginAsync(DbConnection connection, bool holdAppends, CancellationToken cancellationToken = default);

    /// <summary>The highest global position committed so far (0 when empty).</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default);
}
