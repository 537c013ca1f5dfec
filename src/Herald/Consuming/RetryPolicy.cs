namespace Herald.Consuming;

/// <summary>
/// How often a failing event is retried before it becomes a dead letter: immediate retries, then delayed retries with
/// exponential back-off and jitter, then <c>&lt;topic&gt;.dlq</c>.
/// </summary>
/// <remarks>
/// Delayed retries are <b>blocking</b>: the consumer waits before the next attempt instead of moving the event to a retry
/// topic. Per-key order is kept exactly — nothing behind the failing event is handled first — at the price of stalling
/// the consumer for at most the sum of the delays. Attempts are counted durably before each run, so a handler that
/// crashes the process is still bounded by <see cref="MaxAttempts"/> across restarts.
/// </remarks>
public sealed record RetryPolicy
{
    /// <summary>Retries right after a failure. Default 2.</summary>
    public int ImmediateRetries { get; init; } = 2;

    /// <summary>Retries after a back-off delay. Default 3.</summary>
    public int DelayedRetries { get; init; } = 3;

    /// <summary>The first delay; each next one doubles, up to <see cref="MaxDelay"/>. Default 1 s.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Every attempt, the first included.</summary>
    public int MaxAttempts => 1 + ImmediateRetries + DelayedRetries;

    /// <summary>The wait before attempt number <paramref name="attempt"/> (1-based): zero for immediate retries, then back-off with ±20% jitter.</summary>
    public TimeSpan DelayBefore(int attempt)
    {
        int delayed = attempt - 1 - ImmediateRetries;
        if (delayed <= 0)
        {
            return TimeSpan.Zero;
        }

        double ms = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, delayed - 1));
        return TimeSpan.FromMilliseconds(ms * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
