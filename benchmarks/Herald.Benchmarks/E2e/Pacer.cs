using System.Diagnostics;

namespace Herald.Benchmarks.E2e;

/// <summary>
/// Sends at a fixed rate from a Stopwatch schedule: every ~1 ms tick it sends every message that is due by now
/// (so oversleeping never lowers the rate), then sleeps until the next tick — no sleep per message.
/// </summary>
public static class Pacer
{
    /// <summary>Calls <paramref name="send"/> with indexes 0..count-1 at <paramref name="rate"/> per second; returns the elapsed ticks.</summary>
    public static long Run(long count, int rate, Action<long> send, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        long sent = 0;
        while (sent < count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long elapsed = Stopwatch.GetTimestamp() - start;
            long due = Math.Min(count, (long)((double)elapsed * rate / Stopwatch.Frequency) + 1);
            while (sent < due)
            {
                send(sent++);
            }

            if (sent < count)
            {
                Thread.Sleep(1);
            }
        }

        return Stopwatch.GetTimestamp() - start;
    }
}
