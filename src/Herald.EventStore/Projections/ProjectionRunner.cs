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
        var visible = Visible(events);
        if (visible.Count == 0)
        {
            return;
        }

        var context = new ProjectionContext(connection, transaction, dialect, null);
        foreach (var projection in options.InlineProjections)
        {
            try
            {
                await projection.ApplyAsync(context, visible, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException and not EventStoreException)
            {
                throw new ProjectionException(projection.Name, visible.Count == 1 ? visible[0] : null, "the append was rolled back", exception);
            }
        }
    }
}
