namespace Herald.Benchmarks.E2e;

/// <summary>Waits for a run to finish, failing it when its progress counter stops moving for too long.</summary>
public static class Watchdog
{
    /// <summary>Awaits <paramref name="completion"/>; throws <see cref="TimeoutException"/> if <paramref name="progress"/> is unchanged for <paramref name="stall"/>.</summary>
    public static async Task WaitAsync(Task completion, Func<long> progress, TimeSpan stall, string what, CancellationToken cancellationToken)
    {
        long last = progress();
        var lastMove = DateTime.UtcNow;
        while (!completion.IsCompleted)
        {
            await Task.WhenAny(completion, Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            long now = progress();
            if (now != last)
            {
                last = now;
                lastMove = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastMove > stall)
            {
                throw new TimeoutException($"{what}: no progress for {stall.TotalSeconds:0} s (at {now})");
            }
        }

        await completion.ConfigureAwait(false);
    }
}
