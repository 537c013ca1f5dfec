namespace Herald.Outbox;

public sealed partial class OutboxRelay
{
    private volatile OutboxStatus? _status;
    private int _backlogWarned;

    /// <summary>The backlog figures as of the last refresh (every <see cref="OutboxRelayOptions.StatusInterval"/>); null before the first.</summary>
    public OutboxStatus? LastStatus => _status;

    /// <summary>
    /// Whether the backlog is over <see cref="OutboxRelayOptions.Backlog"/> as of <see cref="LastStatus"/>; the age of
    /// the oldest row keeps growing between refreshes.
    /// </summary>
    public bool IsBacklogExceeded => _status is { } status && IsOver(status);

    /// <summary>Reads the backlog figures now instead of waiting for the next refresh.</summary>
    public async Task<OutboxStatus> RefreshStatusAsync(CancellationToken cancellationToken = default)
    {
        var status = await _store.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        _status = status;
        if (IsOver(status))
        {
            if (Interlocked.Exchange(ref _backlogWarned, 1) == 0)
            {
                OutboxRelayLog.BacklogExceeded(_logger, Options.Name, status.BacklogRows, OldestAge(status), Options.Backlog.MaxRows, Options.Backlog.MaxAge);
            }
        }
        else
        {
            Volatile.Write(ref _backlogWarned, 0);
        }

        return status;
    }

    /// <summary>In <see cref="BrokerDownMode.Reject"/>, refuses new work while the backlog is over its limits.</summary>
    /// <remarks>Reads the cached status only: an enqueue never counts rows.</remarks>
    internal void ThrowIfBacklogExceeded()
    {
        if (Options.WhenBacklogExceeded != BrokerDownMode.Reject || _status is not { } status || !IsOver(status))
        {
            return;
        }

        var retryAfter = BreakerState == OutboxBreakerState.Closed ? Options.StatusInterval : Options.Breaker.BreakDuration;
        throw new OutboxBacklogExceededException(
            $"the outbox backlog is over its limits ({status.BacklogRows} rows waiting, the oldest for {OldestAge(status):g}; limits {Options.Backlog.MaxRows} rows, {Options.Backlog.MaxAge:g}): the broker is probably unavailable, try again later",
            retryAfter);
    }

    internal TimeSpan OldestAge(OutboxStatus status) => status.OldestAgeAt(_store.Options.TimeProvider.GetUtcNow());

    private bool IsOver(OutboxStatus status) =>
        status.BacklogRows > Options.Backlog.MaxRows || OldestAge(status) > Options.Backlog.MaxAge;

    private async Task RefreshStatusLoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshStatusAsync(stoppingToken).ConfigureAwait(false);
                await Task.Delay(Options.StatusInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                OutboxRelayLog.StatusFailed(_logger, Options.Name, exception);
                try
                {
                    await Task.Delay(Options.StatusInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
