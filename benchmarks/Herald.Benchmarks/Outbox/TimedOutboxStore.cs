using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using Herald.Outbox;

namespace Herald.Benchmarks.Outbox;

/// <summary>
/// An outbox store that times every call of the store it wraps and keeps the slow ones: the latency part hands it to
/// the relay, so a tail can be pinned on a database call (or ruled out) without touching the relay.
/// </summary>
internal sealed class TimedOutboxStore(IOutboxStore inner, TimeSpan slow) : IOutboxStore
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly ConcurrentQueue<(TimeSpan At, string Call, TimeSpan Took)> _slow = new();
    private readonly ConcurrentDictionary<string, (int Calls, TimeSpan Total, TimeSpan Longest)> _totals = new(StringComparer.Ordinal);

    public OutboxOptions Options => inner.Options;

    /// <summary>Calls that took longer than the threshold: when they started (since this store was made), which, how long.</summary>
    public IReadOnlyCollection<(TimeSpan At, string Call, TimeSpan Took)> SlowCalls => _slow;

    /// <summary>Every call by kind: how many, their total time, the longest, and how many were slow.</summary>
    public string Summary() => string.Join("; ", _totals.OrderByDescending(t => t.Value.Total).Select(t =>
        $"{t.Key} {t.Value.Calls:N0} calls, {t.Value.Total.TotalMilliseconds:N0} ms in all, the longest {t.Value.Longest.TotalMilliseconds:N0} ms, {_slow.Count(c => c.Call == t.Key)} of {slow.TotalMilliseconds:0} ms or more"));

    /// <summary>When this store was made, as a <see cref="Stopwatch"/> timestamp.</summary>
    public long Origin => _origin;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) => TimeAsync(nameof(EnsureCreatedAsync), () => inner.EnsureCreatedAsync(cancellationToken));

    public Task InsertAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(InsertAsync), () => inner.InsertAsync(message, transaction, cancellationToken));

    public Task<bool> TryAcquireLeaseAsync(OutboxLease lease, TimeSpan duration, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(TryAcquireLeaseAsync), () => inner.TryAcquireLeaseAsync(lease, duration, cancellationToken));

    public Task ReleaseLeaseAsync(OutboxLease lease, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(ReleaseLeaseAsync), () => inner.ReleaseLeaseAsync(lease, cancellationToken));

    public Task<OutboxPosition> ReadCursorAsync(string relay, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(ReadCursorAsync), () => inner.ReadCursorAsync(relay, cancellationToken));

    public Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxPosition after, int maxRows, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(ReadAsync), () => inner.ReadAsync(after, maxRows, cancellationToken));

    public Task<bool> CompleteAsync(OutboxLease lease, OutboxPosition through, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(CompleteAsync), () => inner.CompleteAsync(lease, through, cancellationToken));

    public Task<int?> RecordFailureAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(RecordFailureAsync), () => inner.RecordFailureAsync(lease, position, error, cancellationToken));

    public Task<bool> DeadLetterAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(DeadLetterAsync), () => inner.DeadLetterAsync(lease, position, error, cancellationToken));

    public Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken = default) =>
        TimeAsync(nameof(GetStatusAsync), () => inner.GetStatusAsync(cancellationToken));

    private async Task TimeAsync(string call, Func<Task> work) => await TimeAsync(call, async () =>
    {
        await work().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);

    private async Task<T> TimeAsync<T>(string call, Func<Task<T>> work)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            var took = Stopwatch.GetElapsedTime(started);
            _totals.AddOrUpdate(call, (1, took, took), (_, t) => (t.Calls + 1, t.Total + took, took > t.Longest ? took : t.Longest));
            if (took >= slow)
            {
                _slow.Enqueue((Stopwatch.GetElapsedTime(_origin, started), call, took));
            }
        }
    }
}
