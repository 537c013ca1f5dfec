using System.Data.Common;

namespace Herald.Sagas;

/// <summary>
/// Where saga instances, their history and their timeouts live: <c>herald_saga</c>, <c>herald_saga_history</c> and
/// <c>herald_saga_timeout</c> in the inbox's database, so a step commits with the inbox row and the outbox rows.
/// </summary>
/// <remarks>
/// The engine calls the methods that take a <see cref="DbTransaction"/> inside the handler's (inbox) transaction and
/// never commits; the store only writes through that transaction. Implementations: <see cref="SqliteSagaStore"/> and
/// <c>Herald.PostgreSql.Sagas.PostgreSqlSagaStore</c>; one compliance suite tests both.
/// </remarks>
public interface ISagaStore : ISagaQuery
{
    /// <summary>The clock that stamps rows and decides which timeouts are due.</summary>
    TimeProvider TimeProvider { get; }

    /// <summary>Creates the saga tables if they do not exist.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    /// <summary>The instance's row, or null when there is none.</summary>
    Task<SagaRecord?> LoadAsync(DbTransaction transaction, string type, string id, CancellationToken cancellationToken = default);

    /// <summary>Whether the instance's history already has an entry for <paramref name="eventId"/> (a redelivery).</summary>
    Task<bool> HasHandledAsync(DbTransaction transaction, string type, string id, Guid eventId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes one step: the state (creating the row when <see cref="SagaStateChange.ExpectedVersion"/> is 0, else updating
    /// it only if its version is still the expected one), the fired timeout (only if still pending), the timeout changes,
    /// the instance's next timeout, and the history entry. Rows are changed in that order — instance before timeouts — so
    /// concurrent steps on one instance never wait for each other in opposite orders.
    /// </summary>
    /// <exception cref="SagaConcurrencyException">
    /// Another transaction changed or created the instance first, or fired or cancelled <see cref="SagaChange.FiredTimeout"/>.
    /// </exception>
    Task SaveAsync(DbTransaction transaction, SagaChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// The timeout <paramref name="token"/> as <paramref name="transaction"/> sees it (a cancel or fire committed since it
    /// was found due is visible); null when there is none. Not locked: <see cref="SaveAsync"/> marks it fired only if it is
    /// still pending then.
    /// </summary>
    Task<SagaTimeoutEntry?> FindTimeoutAsync(DbTransaction transaction, Guid token, CancellationToken cancellationToken = default);

    /// <summary>Marks timeout <paramref name="token"/> cancelled inside <paramref name="transaction"/> (e.g. its instance is gone).</summary>
    Task CancelTimeoutAsync(DbTransaction transaction, Guid token, CancellationToken cancellationToken = default);

    /// <summary>Pending timeouts of <paramref name="types"/> due at <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<SagaTimeoutEntry>> FindDueTimeoutsAsync(IReadOnlyCollection<string> types, DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a failed delivery of timeout <paramref name="token"/> in a transaction of its own: one more attempt, the error,
    /// and either a new due time (<paramref name="retryAt"/>) or, when null, the final failure (<c>failed_at</c>).
    /// </summary>
    Task RecordTimeoutFailureAsync(Guid token, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default);

    /// <summary>Deletes instances of <paramref name="type"/> completed before <paramref name="completedBefore"/>, with their history and timeouts; returns how many.</summary>
    Task<int> PurgeCompletedAsync(string type, DateTimeOffset completedBefore, CancellationToken cancellationToken = default);
}
