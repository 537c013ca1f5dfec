using Herald.EventStore.Projections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.EventStore.Forwarding;

/// <summary>
/// A catch-up subscription that publishes the store's global feed to a Kafka topic: it reads the events after its
/// durable checkpoint, publishes them keyed by stream id with Herald's envelope headers, waits until the broker has
/// acknowledged all of them, and only then moves the checkpoint.
/// </summary>
/// <remarks>
/// <para>
/// <b>At-least-once.</b> The checkpoint (a row named <see cref="CheckpointName"/> in the store's
/// checkpoints table) never passes an event the broker has not acknowledged (acks=all, idempotent producer). A crash
/// or a failed batch publishes the unacknowledged part again, so consumers may see an event twice; it carries the same
/// <c>event_id</c> (the stored one) both times, which is what Herald's inbox de-duplicates on.
/// </para>
/// <para>
/// Events of one stream share a partition (the key is the stream id), so they arrive in stream order. After a failed
/// batch is published again a consumer can meet an event it has already seen; the <c>stream_version</c> header tells.
/// System streams (<c>$…</c>, e.g. snapshots) are never forwarded; the checkpoint moves past them and past filtered-out
/// events.
/// </para>
/// <para>
/// <see cref="RunAsync"/> retries a failed batch with exponential back-off (logging each failure and writing it to the
/// checkpoint row's error, where <c>herald projections status</c> shows it) and never gives up;
/// <see cref="CatchUpAsync"/> throws instead. Run one forwarder per checkpoint name.
/// </para>
/// </remarks>
public sealed class EventForwarder : IDisposable
{
    private readonly IProjectionStore _store;
    private readonly EventForwarderOptions _options;
    private readonly ILogger _logger;
    private readonly FeedPublisher _publisher;

    /// <param name="store">The event store to read, whose database holds the checkpoint.</param>
    /// <param name="options">Topic, broker, batch size, filters.</param>
    /// <param name="logger">Where failures and retries are logged.</param>
    public EventForwarder(IProjectionStore store, EventForwarderOptions options, ILogger<EventForwarder>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Topic);
        ArgumentException.ThrowIfNullOrEmpty(options.BootstrapServers);
        ArgumentException.ThrowIfNullOrEmpty(options.ResolvedCheckpointName, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        _store = store;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _publisher = new FeedPublisher(options.BootstrapServers, options.DeliveryTimeout, options.ConfigureProducer, _logger);
        Checkpoints = new Checkpoints(store);
    }

    /// <summary>The name of this forwarder's checkpoint row.</summary>
    public string CheckpointName => _options.ResolvedCheckpointName;

    /// <summary>The checkpoints of the store (this forwarder's is <see cref="CheckpointName"/>).</summary>
    public Checkpoints Checkpoints { get; }

    /// <summary>The position up to which every event has been published and acknowledged.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<long> GetPositionAsync(CancellationToken cancellationToken = default) =>
        (await Checkpoints.GetAsync(_options.ResolvedCheckpointName, cancellationToken).ConfigureAwait(false)).Position;

    /// <summary>
    /// Publishes every event committed so far (after the checkpoint), batch by batch, then returns how many were
    /// published. For tests, tools and start-ups that must be caught up.
    /// </summary>
    /// <param name="cancellationToken">Stops between or during batches; the checkpoint stays at the last acknowledged batch.</param>
    /// <exception cref="ForwardingException">The broker did not acknowledge an event; the checkpoint did not pass it.</exception>
    public async Task<long> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        long published = 0;
        while (await StepAsync(cancellationToken).ConfigureAwait(false) is { } batch)
        {
            published += batch;
        }

        return published;
    }

    /// <summary>Forwards until <paramref name="cancellationToken"/> is cancelled, retrying failures with back-off.</summary>
    /// <param name="cancellationToken">Stops the forwarder.</param>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var published = await StepAsync(cancellationToken).ConfigureAwait(false);
                if (failures > 0)
                {
                    _logger.LogInformation("Forwarder {Name}: publishing to {Topic} works again", _options.ResolvedCheckpointName, _options.Topic);
                    failures = 0;
                }

                if (published is not null)
                {
                    continue;
                }

                delay = _options.PollInterval;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Every failure is retried: a forwarder that stops silently is worse than one that logs the same error again.
                delay = Backoff(failures++);
                await ReportAsync(exception, delay, cancellationToken).ConfigureAwait(false);
            }

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

    /// <summary>One batch; the number of events published, or null when there was nothing after the checkpoint.</summary>
    private async Task<long?> StepAsync(CancellationToken cancellationToken)
    {
        var checkpoint = await Checkpoints.GetAsync(_options.ResolvedCheckpointName, cancellationToken).ConfigureAwait(false);
        var batch = await _store.ReadAllAsync(checkpoint.Position, _options.BatchSize, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (batch.Count == 0)
        {
            return null;
        }

        var selected = batch.Where(_options.Forwards).ToList();
        try
        {
            await _publisher.PublishAsync(_options.Topic, selected, cancellationToken).ConfigureAwait(false);
        }
        catch (ForwardingException exception) when (exception.LastAcknowledgedPosition > checkpoint.Position)
        {
            // Keep what the broker did acknowledge, so the retry publishes fewer duplicates.
            await CommitAsync(exception.LastAcknowledgedPosition, null, null, cancellationToken).ConfigureAwait(false);
            throw;
        }

        await CommitAsync(batch[^1].GlobalPosition, null, null, cancellationToken).ConfigureAwait(false);
        return selected.Count;
    }

    /// <summary>Moves the checkpoint forward to <paramref name="position"/> (never back) and sets or clears its error.</summary>
    private async Task CommitAsync(long position, string? error, long? failedPosition, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _store.BeginAsync(connection, holdAppends: false, cancellationToken).ConfigureAwait(false);
        var current = await Checkpoints.ReadAsync(connection, transaction, _options.ResolvedCheckpointName, forUpdate: true, cancellationToken).ConfigureAwait(false);
        var next = current with
        {
            Position = Math.Max(current.Position, position),
            Error = error,
            FailedPosition = failedPosition,
        };
        await Checkpoints.WriteAsync(connection, transaction, next, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReportAsync(Exception exception, TimeSpan delay, CancellationToken cancellationToken)
    {
        var forwarding = exception as ForwardingException;
        var position = forwarding?.LastAcknowledgedPosition;
        _logger.LogWarning(
            exception,
            "Forwarder {Name}: publishing to {Topic} failed, the checkpoint stays{At}; retrying in {Delay}: {Reason}",
            _options.ResolvedCheckpointName,
            _options.Topic,
            position is null ? string.Empty : $" at position {position}",
            delay,
            exception.Message);
        try
        {
            await CommitAsync(0, exception.Message, forwarding?.FirstFailedPosition, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception recording) when (recording is not OperationCanceledException)
        {
            // The store may be what failed; the log line above already says why.
            _logger.LogDebug(recording, "Forwarder {Name}: could not record the error in the checkpoint row", _options.ResolvedCheckpointName);
        }
    }

    private TimeSpan Backoff(int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures, 20));
        return TimeSpan.FromMilliseconds(Math.Min(_options.RetryDelay.TotalMilliseconds * factor, _options.MaxRetryDelay.TotalMilliseconds));
    }

    /// <summary>Closes the producer; records still in flight are abandoned (they were never checkpointed).</summary>
    public void Dispose() => _publisher.Dispose();
}
