namespace Herald.EventStore.Projections;

/// <summary>
/// A read model derived from the global feed: it owns some tables and folds events into them with SQL on the
/// transaction it is given. Run inline (in the append's transaction, see <see cref="EventStoreOptions.InlineProjections"/>)
/// or asynchronously (<see cref="ProjectionDaemon"/>, checkpointed in the same transaction as its writes), and rebuilt
/// from position 0 into fresh tables by <see cref="ProjectionRebuilder"/>.
/// </summary>
/// <remarks>
/// Always name tables through <see cref="ProjectionContext.Table"/>: a rebuild gives the same logical table another
/// physical name until the swap. Events of system streams (ids starting with <c>$</c>, e.g. snapshots) are never passed in.
/// </remarks>
public interface IProjection
{
    /// <summary>A stable name: the checkpoint row's key and the name in errors and progress reports.</summary>
    string Name { get; }

    /// <summary>The logical names of the tables it owns; a rebuild recreates and swaps all of them together.</summary>
    IReadOnlyList<string> Tables { get; }

    /// <summary>Creates the tables (<c>CREATE TABLE IF NOT EXISTS</c>, named with <see cref="ProjectionContext.Table"/>).</summary>
    /// <param name="context">The connection, transaction and table names to use.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task CreateAsync(ProjectionContext context, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="events"/> (in global order) to the tables; throwing rolls the whole batch back.</summary>
    /// <param name="context">The connection, transaction and table names to use.</param>
    /// <param name="events">The events, in position order, system streams left out.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken);
}
