using System.Diagnostics;
using Herald.Inbox;

namespace Herald.Benchmarks.Consumer;

/// <summary>
/// The consumer host's per-chunk database work without Kafka, timed phase by phase: record attempts, begin, then per
/// event "is processed?", the handler's insert and "mark processed", then commit — the same calls in the same order
/// as <c>ConsumerHost.TryBatchAsync</c>, through the public <see cref="IInboxStore"/> API.
/// </summary>
public static class InboxProfile
{
    public sealed record Phases(int Events, TimeSpan RecordAttempts, TimeSpan Begin, TimeSpan IsProcessed, TimeSpan Handler, TimeSpan MarkProcessed, TimeSpan Commit)
    {
        public TimeSpan Total => RecordAttempts + Begin + IsProcessed + Handler + MarkProcessed + Commit;

        public double EventsPerSecond => Events / Total.TotalSeconds;
    }

    public static async Task<Phases> RunAsync(IInboxStore inbox, IReadOnlyList<OrderPlaced> events, int batchSize)
    {
        await inbox.EnsureCreatedAsync().ConfigureAwait(false);
        var group = "profile-" + Guid.NewGuid().ToString("N");
        long attempts = 0, begin = 0, isProcessed = 0, handler = 0, mark = 0, commit = 0;
        foreach (var chunk in events.Chunk(batchSize))
        {
            // The host's fast path: one attempt row per batch, one query for duplicates, one statement to mark.
            var ids = chunk.Select(_ => Guid.CreateVersion7()).ToArray();
            long t = Stopwatch.GetTimestamp();
            await inbox.RecordAttemptsAsync(group, [Guid.NewGuid()]).ConfigureAwait(false);
            attempts += Lap(ref t);
            await using var transaction = await inbox.BeginAsync(group).ConfigureAwait(false);
            begin += Lap(ref t);
            if ((await transaction.FindProcessedAsync(ids).ConfigureAwait(false)).Count > 0)
            {
                throw new InvalidOperationException("a fresh event id was already processed");
            }

            isProcessed += Lap(ref t);
            for (int i = 0; i < chunk.Length; i++)
            {
                await RecordOrder.InsertAsync(transaction.Connection, transaction.Transaction, chunk[i], CancellationToken.None).ConfigureAwait(false);
            }

            handler += Lap(ref t);
            await transaction.MarkProcessedAsync(ids).ConfigureAwait(false);
            mark += Lap(ref t);
            await transaction.CommitAsync().ConfigureAwait(false);
            commit += Lap(ref t);
        }

        return new Phases(events.Count, Span(attempts), Span(begin), Span(isProcessed), Span(handler), Span(mark), Span(commit));
    }

    private static long Lap(ref long since)
    {
        long now = Stopwatch.GetTimestamp();
        long elapsed = now - since;
        since = now;
        return elapsed;
    }

    private static TimeSpan Span(long ticks) => TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency);
}
