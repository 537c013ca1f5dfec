using System.Data.Common;
using System.Diagnostics;

namespace Herald.EventStore.Projections;

/// <summary>
/// Rebuilds a projection from position 0 into fresh tables while the old read model keeps serving, then swaps them in.
/// </summary>
/// <remarks>
/// <para>
/// The fresh tables get the logical names plus a unique suffix. Batches are applied in their own transactions (no
/// checkpoint rows: an interrupted rebuild starts again from 0 and its tables are dropped). Once caught up, one final
/// transaction holds appends back, applies what was appended meanwhile, drops the old tables, renames the fresh ones to
/// the logical names and — for an async projection — sets its checkpoint to that position (clearing any pause), so the
/// daemon continues exactly after it and an inline projection continues with the next append. Readers see the old
/// model until that commit and the new one after it.
/// </para>
/// <para>Cancelling (or a failing event) drops the fresh tables and leaves the live read model untouched.</para>
/// </remarks>
public sealed class ProjectionRebuilder
{
    private readonly IProjectionStore _store;
    private readonly int _batchSize;

    /// <param name="store">The event store to read and whose database holds the read model.</param>
    /// <param name="batchSize">Events per read and per transaction. Default 5000.</param>
    public ProjectionRebuilder(IProjectionStore store, int batchSize = 5000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _store = store;
        _batchSize = batchSize;
    }

    /// <summary>Rebuilds <paramref name="projection"/> and swaps it in; returns the position it was rebuilt up to.</summary>
    /// <param name="projection">The projection to rebuild.</param>
    /// <param name="progress">Receives a report after every batch and at the end.</param>
    /// <param name="cancellationToken">Stops the rebuild; the fresh tables are dropped and the live ones kept.</param>
    /// <exception cref="ProjectionException">The projection threw on an event (named); nothing was swapped.</exception>
    public async Task<RebuildResult> RebuildAsync(IProjection projection, IProgress<RebuildProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var suffix = "__rebuild_" + Guid.NewGuid().ToString("N")[..8];
        var fresh = projection.Tables.ToDictionary(t => t, t => t + suffix, StringComparer.Ordinal);
        var items = new Dictionary<object, object>();
        var stopwatch = Stopwatch.StartNew();
        long applied = 0;
        long position = 0;
        var swapped = false;
        try
        {
            await InTransactionAsync(false, (c, t) => projection.CreateAsync(Context(c, t, fresh, items), cancellationToken), cancellationToken).ConfigureAwait(false);
            var head = await _store.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
            // The next batch is read while the current one is applied: reading and writing overlap.
            Task<List<RecordedEvent>>? next = ReadAsync(position, cancellationToken);
            try
            {
                while (next is not null)
                {
                    var batch = await next.ConfigureAwait(false);
                    next = null;
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    if (batch.Count == _batchSize)
                    {
                        next = ReadAsync(batch[^1].GlobalPosition, cancellationToken);
                    }

                    await InTransactionAsync(false, (c, t) => ApplyAsync(projection, Context(c, t, fresh, items), batch, cancellationToken), cancellationToken).ConfigureAwait(false);
                    position = batch[^1].GlobalPosition;
                    applied += batch.Count;
                    head = Math.Max(head, position);
                    progress?.Report(new RebuildProgress(projection.Name, position, head, applied, stopwatch.Elapsed));
                }
            }
            finally
            {
                if (next is not null)
                {
                    // Applying failed or was cancelled: the read ahead is not needed, but must not fault unobserved.
                    await next.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
                }
            }

            // The swap: appends wait until it commits, so nothing can land between the last event read and the swap.
            var checkpoints = new Checkpoints(_store);
            await InTransactionAsync(true, async (connection, transaction) =>
            {
                // The checkpoint row first, then the tables: the daemon locks in the same order, so the two cannot deadlock.
                await checkpoints.ReadAsync(connection, transaction, projection.Name, forUpdate: true, cancellationToken).ConfigureAwait(false);
                while (true)
                {
                    var tail = await ReadAsync(position, cancellationToken).ConfigureAwait(false);
                    if (tail.Count == 0)
                    {
                        break;
                    }

                    await ApplyAsync(projection, Context(connection, transaction, fresh, items), tail, cancellationToken).ConfigureAwait(false);
                    position = tail[^1].GlobalPosition;
                    applied += tail.Count;
                }

                foreach (var (live, rebuilt) in fresh)
                {
                    await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {live}", cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection, transaction, $"ALTER TABLE {rebuilt} RENAME TO {Unqualified(live)}", cancellationToken).ConfigureAwait(false);
                }

                await checkpoints.WriteAsync(connection, transaction, new ProjectionStatus(projection.Name, position, ProjectionState.Running, null, null), cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            swapped = true;
            var result = new RebuildResult(projection.Name, position, applied, stopwatch.Elapsed);
            progress?.Report(new RebuildProgress(projection.Name, position, position, applied, stopwatch.Elapsed));
            return result;
        }
        finally
        {
            if (!swapped)
            {
                await DropAsync(fresh.Values).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<RecordedEvent>> ReadAsync(long after, CancellationToken cancellationToken) =>
        await _store.ReadAllAsync(after, _batchSize, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);

    private ProjectionContext Context(DbConnection connection, DbTransaction transaction, IReadOnlyDictionary<string, string> tables, IDictionary<object, object> items) =>
        new(connection, transaction, _store.Dialect, tables, items);

    private static Task ApplyAsync(IProjection projection, ProjectionContext context, IReadOnlyList<RecordedEvent> batch, CancellationToken cancellationToken) =>
        ProjectionRunner.ApplyAsync(projection, context, batch, "the rebuild stopped and the live read model was kept", cancellationToken);

    private Task InTransactionAsync(bool holdAppends, Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        ProjectionRunner.InTransactionAsync(_store, holdAppends, work, cancellationToken);

    private async Task DropAsync(IEnumerable<string> tables)
    {
        try
        {
            await InTransactionAsync(false, async (connection, transaction) =>
            {
                foreach (var table in tables)
                {
                    await ExecuteAsync(connection, transaction, $"DROP TABLE IF EXISTS {table}", CancellationToken.None).ConfigureAwait(false);
                }
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is DbException or EventStoreException)
        {
            // Best effort: a leftover fresh table has a unique name, harms nothing and is reported by nothing else.
        }
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // ALTER TABLE s.t RENAME TO x keeps the table in schema s; the new name must not repeat the schema.
    private static string Unqualified(string table) => table[(table.LastIndexOf('.') + 1)..];
}

/// <summary>How far a rebuild has got.</summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="Position">The last position applied.</param>
/// <param name="Head">The feed's head as last seen (the target).</param>
/// <param name="EventsApplied">Events read and applied so far.</param>
/// <param name="Elapsed">Time since the rebuild started.</param>
public sealed record RebuildProgress(string Projection, long Position, long Head, long EventsApplied, TimeSpan Elapsed)
{
    /// <summary>Position over head, 0 to 1.</summary>
    public double Fraction => Head <= 0 ? 1 : Math.Min(1, (double)Position / Head);

    /// <summary>Events applied per second so far.</summary>
    public double EventsPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : EventsApplied / Elapsed.TotalSeconds;
}

/// <summary>A finished rebuild.</summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="Position">The position it was rebuilt up to (and its checkpoint now).</param>
/// <param name="EventsApplied">Events read and applied.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record RebuildResult(string Projection, long Position, long EventsApplied, TimeSpan Elapsed);
