using System.Data.Common;

namespace Herald.Outbox;

/// <summary>
/// Where outbox rows live: written in the application's transaction, read and completed by the relay in commit order.
/// Implementations: SQLite (<see cref="SqliteOutboxStore"/>) and PostgreSQL (<c>Herald.PostgreSql</c>); one compliance
/// suite tests both.
/// </summary>
/// <remarks>
/// <para>
/// Reads never skip a row: a row is returned only once every row before it in <see cref="OutboxPosition"/> order has
/// committed or rolled back, so a relay that completes a contiguous prefix of what it read loses nothing.
/// </para>
/// <para>
/// The relay-side writes (<see cref="CompleteAsync"/>, <see cref="RecordFailureAsync"/>, <see cref="DeadLetterAsync"/>)
/// are fenced by the lease: they change nothing unless <see cref="OutboxLease.Owner"/> still holds the relay's lease,
/// so a relay that lost its lease while it was paused cannot move a cursor another instance owns.
/// </para>
/// </remarks>
public interface IOutboxStore
{
    /// <summary>The table prefix and clock.</summary>
    OutboxOptions Options { get; }

    /// <summary>Creates the outbox tables if they do not exist.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <paramref name="message"/> as a row in <paramref name="transaction"/>; it becomes visible to the relay when that commits.</summary>
    /// <exception cref="ArgumentException">The transaction belongs to another kind of database than this store's.</exception>
    Task InsertAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes or renews the relay's lease for <paramref name="duration"/>: succeeds when nobody holds it, when it expired,
    /// or when <paramref name="lease"/>'s owner already holds it.
    /// </summary>
    /// <returns>Whether <paramref name="lease"/>'s owner holds the lease now.</returns>
    Task<bool> TryAcquireLeaseAsync(OutboxLease lease, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives the lease up (if still held), so another instance can take over without waiting for it to expire.</summary>
    Task ReleaseLeaseAsync(OutboxLease lease, CancellationToken cancellationToken = default);

    /// <summary>The last position the relay completed, or <see cref="OutboxPosition.Start"/>.</summary>
    Task<OutboxPosition> ReadCursorAsync(string relay, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="maxRows"/> committed rows after <paramref name="after"/>, in commit order.</summary>
    Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxPosition after, int maxRows, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records that every row up to and including <paramref name="through"/> was acknowledged by the broker: moves the
    /// relay's cursor there and deletes those rows.
    /// </summary>
    /// <returns>False when <paramref name="lease"/> no longer holds the lease (nothing changed).</returns>
    Task<bool> CompleteAsync(OutboxLease lease, OutboxPosition through, CancellationToken cancellationToken = default);

    /// <summary>Counts one more failed publish of the row at <paramref name="position"/> and keeps <paramref name="error"/>.</summary>
    /// <returns>The row's failed attempts so far; null when the lease is lost or the row is gone.</returns>
    Task<int?> RecordFailureAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default);

    /// <summary>Moves the row at <paramref name="position"/> to the dead table with <paramref name="error"/>; later rows then go ahead of it.</summary>
    /// <returns>False when the lease is lost or the row is gone.</returns>
    Task<bool> DeadLetterAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default);

    /// <summary>Backlog, dead rows, leases and cursors.</summary>
    Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken = default);
}
