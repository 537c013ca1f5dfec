namespace Herald.Broker.Log;

public sealed partial class PartitionLog
{
    private TaskCompletionSource _appendSignal = NewSignal();
    private int _waiting;

    /// <summary>Completes when <see cref="LogEndOffset"/> is above <paramref name="offset"/> or the log is closed.</summary>
    /// <remarks>For Fetch long polling: appends wake every waiter, with no timer. Synchronous when data is already there.</remarks>
    public ValueTask WaitForAppendAsync(long offset, CancellationToken cancellationToken)
    {
        if (LogEndOffset > offset || Volatile.Read(ref _disposed))
        {
            return ValueTask.CompletedTask;
        }

        return new ValueTask(WaitSlowAsync(offset, cancellationToken));
    }

    private async Task WaitSlowAsync(long offset, CancellationToken cancellationToken)
    {
        while (true)
        {
            var signal = Volatile.Read(ref _appendSignal);

            // Announce the waiter before re-checking the end offset: an append that publishes after
            // this check also sees the flag and completes the signal we hold.
            Interlocked.Exchange(ref _waiting, 1);
            if (LogEndOffset > offset || Volatile.Read(ref _disposed))
            {
                return;
            }

            await signal.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void SignalAppend()
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 0)
        {
            return;
        }

        var signal = Interlocked.Exchange(ref _appendSignal, NewSignal());
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
