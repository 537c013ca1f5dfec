using System.Data.Common;

namespace Herald.EventStore.Projections;

/// <summary>The steps every way of running a projection shares: leave out system streams, create tables, apply.</summary>
internal static class ProjectionRunner
{
    /// <summary>Whether <paramref name="streamId"/> is a system stream (snapshots and the like), which projections never see.</summary>
    public static bool IsSystemStream(string streamId) => streamId.Length > 0 && streamId[0] == '$';

    /// <summary>The events of <paramref name="events"/> that projections see.</summary>
    public static IReadOnlyList<RecordedEvent> Visible(IReadOnlyList<RecordedEvent> events)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (IsSystemStream(events[i].StreamId))
            {
                return events.Where(e => !IsSystemStream(e.StreamId)).ToList();
            }
        }

        return events;
    }

    /// <summary>Creates the inline projections' tables.</summary>
    public static async Task CreateInlineAsync(EventStoreOptions options, DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken)
    {
        foreach (var projection in options.InlineProjections)
        {
            await projection.CreateAsync(new ProjectionContext(connection, transaction, dialect, null), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Applies the inline projections to an append's events, in the append's transaction.</summary>
    /// <exception cref="ProjectionException">A projection threw: the caller rolls the append back.</exception>
    public static async Task ApplyInlineAsync(EventStoreOptions options, DbConnection connection, DbTransaction transaction, SqlDialect dialect, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var context = new ProjectionContext(connection, transaction, dialect, null);
        foreach (var projection in options.InlineProjections)
        {
            await ApplyAsync(projection, context, events, "the append was rolled back", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies <paramref name="events"/> (system streams left out) to <paramref name="projection"/>; what it throws
    /// becomes a <see cref="ProjectionException"/> that names the event (when the batch has one) and says
    /// <paramref name="consequence"/>.
    /// </summary>
    public static async Task ApplyAsync(IProjection projection, ProjectionContext context, IReadOnlyList<RecordedEvent> events, string consequence, CancellationToken cancellationToken)
    {
        var visible = Visible(events);
        if (visible.Count == 0)
        {
            return;
        }

        try
        {
            await projection.ApplyAsync(context, visible, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException and not EventStoreException)
        {
            throw new ProjectionException(projection.Name, visible.Count == 1 ? visible[0] : null, consequence, exception);
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction of its own on <paramref name="store"/> and commits it.</summary>
    public static async Task InTransactionAsync(IProjectionStore store, bool holdAppends, Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await store.BeginAsync(connection, holdAppends, cancellationToken).ConfigureAwait(false);
        await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
