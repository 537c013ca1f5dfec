using System.Collections.Concurrent;

namespace Herald.Broker.Security;

/// <summary>
/// Holds back the answer to a failed login, longer for each recent failure from the same address, so guessing
/// passwords from one place gets slow while a typo costs a tenth of a second.
/// </summary>
/// <remarks>
/// A success does not reset the count: otherwise anyone with one valid account could interleave logins to keep guessing
/// at another at full speed. Failures older than <see cref="Window"/> are forgotten.
/// </remarks>
internal sealed class FailedLoginThrottle(TimeSpan firstDelay, TimeSpan maxDelay, TimeProvider time)
{
    /// <summary>How long a failure counts towards the next delay.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Past this many addresses, forgotten ones are pruned, so a flood of addresses cannot grow the table forever.</summary>
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Failures> _byHost = new(StringComparer.Ordinal);

    /// <summary>Counts a failure from <paramref name="host"/> and returns how long to hold its answer back.</summary>
    public TimeSpan RecordFailure(string host)
    {
        long now = time.GetTimestamp();
        var failures = _byHost.AddOrUpdate(
            host,
            static (_, now) => new Failures(1, now),
            (_, previous, now) => time.GetElapsedTime(previous.Last, now) > Window ? new Failures(1, now) : new Failures(previous.Count + 1, now),
            now);
        if (_byHost.Count > PruneAbove)
        {
            Prune(now);
        }

        return DelayAfter(failures.Count);
    }

    /// <summary><c>firstDelay × 2^(failures − 1)</c>, at most <c>maxDelay</c>.</summary>
    public TimeSpan DelayAfter(int failures)
    {
        var delay = firstDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        return delay < maxDelay ? delay : maxDelay;
    }

    private void Prune(long now)
    {
        foreach (var (host, failures) in _byHost)
        {
            if (time.GetElapsedTime(failures.Last, now) > Window)
            {
                _byHost.TryRemove(new KeyValuePair<string, Failures>(host, failures));
            }
        }
    }

    private sealed record Failures(int Count, long Last);
}
