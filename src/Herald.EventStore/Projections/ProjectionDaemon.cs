using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.EventStore.Projections;

/// <summary>
/// Runs async projections: each reads the global feed after its checkpoint and applies a batch and the new checkpoint
/// in one transaction, so a crash or restart resumes exactly where the last commit left off (no event applied twice,
/// none skipped — the feed itself never skips, see the stores).
/// </summary>
/// <remarks>
/// A projection that throws on an event <b>pauses</b>: the batch rolls back, the events before the culprit are applied
/// one by one, and the checkpoint row records <see cref="ProjectionState.Paused"/>, the culprit's position and the
/// error. It stays paused (other projections keep running) until <see cref="Checkpoints.ResumeAsync"/>, typically after
/// a fix is deployed. Transient storage failures are retried, not paused on.
/// </remarks>
public sealed class ProjectionDaemon
{
    private readonly IProjectionStore _store;
    private readonly IReadOnlyList<IProjection> _projections;
    private readonly ProjectionDaemonOptions _options;
    private readonly ILogger _logger;

    /// <param name="store">The event store to read and whose database holds the read models and checkpoints.</param>
    /// <param name="projections">The projections to run (names must be unique).</param>
    /// <param name="options">Batch size and intervals; defaults when null.</param>
    /// <param name="logger">Where pauses and retries are logged.</param>
    public ProjectionDaemon(IProjectionStore store, IEnumerable<IProjection> projections, ProjectionDaemonOptions? options = null, ILogger<ProjectionDaemon>? logger = null)
    {
        _store = store;
        _projections = projections.ToList();
        _options = options ?? new ProjectionDaemonOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1);
        var duplicate = _projections.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"two projections are named '{duplicate.Key}'; names key the checkpoints and must be unique", nameof(projections));
        }

        Checkpoints = new Checkpoints(store);
    }

    /// <summary>The checkpoints of these projections (status, pauses, resume).</summary>
    public Checkpoints Checkpoints { get; }

    /// <summary>Runs every projection until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="cancellationToken">Stops the daemon.</param>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await CreateTablesAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_projections.Select(p => RunProjectionAsync(p, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies every event committed so far to every running projection, then returns (tests, tools, and "catch up
    /// before serving" start-ups). Paused projections are left as they are.
    /// </summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        await CreateTablesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var projection in _projections)
        {
            while (await StepAsync(projection, cancellationToken).ConfigureAwait(false) == StepResult.Applied)
            {
            }
        }
    }

    private async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        foreach (var projection in _projections)
        {
            // Holding appends serializes this with other daemons starting up: PostgreSQL's CREATE TABLE IF NOT EXISTS
            // is not safe against a concurrent one (a duplicate-key error on pg_type). It lasts milliseconds, at start.
            await ProjectionRunner.InTransactionAsync(_store, holdAppends: true, async (connection, transaction) =>
            {
                await projection.CreateAsync(new ProjectionContext(connection, transaction, _store.Dialect, null), cancellationToken).ConfigureAwait(false);
                // With the row in place every batch locks it, so two daemons running the same projection (one per
                // service instance) take turns instead of applying a batch twice.
                await Checkpoints.EnsureAsync(connection, transaction, projection.Name, cancellationToken).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunProjectionAsync(IProjection projection, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            StepResult result;
            try
            {
                result = await StepAsync(projection, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                _logger.LogWarning(exception, "Projection {Projection}: storage failed, retrying in {Delay}", projection.Name, _options.RetryDelay);
                result = StepResult.Retry;
            }

            if (result != StepResult.Applied)
            {
                var delay = result == StepResult.Retry ? _options.RetryDelay : _options.PollInterval;
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private enum StepResult
    {
        Applied,
        Idle,
        Paused,
        Retry,
    }

    /// <summary>One batch: read after the checkpoint, apply and advance in one transaction (or pause on a failing event).</summary>
    private async Task<StepResult> StepAsync(IProjection projection, CancellationToken cancellationToken)
    {
        var checkpoint = await Checkpoints.GetAsync(projection.Name, cancellationToken).ConfigureAwait(false);
        if (checkpoint.State == ProjectionState.Paused)
        {
            return StepResult.Paused;
        }

        var batch = await _store.ReadAllAsync(checkpoint.Position, _options.BatchSize, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return StepResult.Idle;
        }

        try
        {
            return await ApplyAsync(projection, checkpoint.Position, batch, cancellationToken).ConfigureAwait(false)
                ? StepResult.Applied : StepResult.Retry;
        }
        catch (Exception exception) when (exception is not OperationCanceledException && !IsTransient(exception))
        {
            // Narrow the failure down to one event: apply the batch event by event; the first that throws pauses.
            var position = checkpoint.Position;
            foreach (var recorded in batch)
            {
                try
                {
                    if (!await ApplyAsync(projection, position, [recorded], cancellationToken).ConfigureAwait(false))
                    {
                        return StepResult.Retry;
                    }
                }
                catch (Exception single) when (single is not OperationCanceledException && !IsTransient(single))
                {
                    await PauseAsync(projection, position, recorded, single, cancellationToken).ConfigureAwait(false);
                    return StepResult.Paused;
                }

                position = recorded.GlobalPosition;
            }

            // Every event went through on its own (the batch failed for a reason that did not repeat).
            return StepResult.Applied;
        }
    }

    /// <summary>Applies <paramref name="batch"/> and moves the checkpoint from <paramref name="from"/>; false if someone else moved it first.</summary>
    private async Task<bool> ApplyAsync(IProjection projection, long from, IReadOnlyList<RecordedEvent> batch, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _store.BeginAsync(connection, holdAppends: false, cancellationToken).ConfigureAwait(false);
        // Re-read under the row lock (SQLite: the write lock): a rebuild's swap or another daemon may have moved it.
        var current = await Checkpoints.ReadAsync(connection, transaction, projection.Name, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (current.Position != from || current.State == ProjectionState.Paused)
        {
            return false;
        }

        var visible = ProjectionRunner.Visible(batch);
        if (visible.Count > 0)
        {
            await projection.ApplyAsync(new ProjectionContext(connection, transaction, _store.Dialect, null), visible, cancellationToken).ConfigureAwait(false);
        }

        await Checkpoints.WriteAsync(connection, transaction, current with { Position = batch[^1].GlobalPosition }, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task PauseAsync(IProjection projection, long position, RecordedEvent failed, Exception exception, CancellationToken cancellationToken)
    {
        var message = ProjectionException.Describe(projection.Name, failed, "paused until resumed", exception);
        _logger.LogError(exception, "{Message}", message);
        var paused = new ProjectionStatus(projection.Name, position, ProjectionState.Paused, message, failed.GlobalPosition);
        await ProjectionRunner.InTransactionAsync(_store, holdAppends: false, (connection, transaction) => Checkpoints.WriteAsync(connection, transaction, paused, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        EventStoreException store => store.IsTransient,
        System.Data.Common.DbException db => db.IsTransient,
        _ => false,
    };
}
