namespace Herald.Outbox;

/// <summary>A wake-up for the relay: many notifications while it is busy collapse into one.</summary>
internal sealed class OutboxSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Notify()
    {
        if (_semaphore.CurrentCount != 0)
        {
            return;
        }

        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another enqueue notified first: one wake-up covers both.
        }
    }

    /// <summary>Waits for a notification (true) or the timeout (false).</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}
