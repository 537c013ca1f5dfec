using System.Diagnostics;
using Confluent.Kafka;

namespace Herald.Benchmarks.Outbox;

/// <summary>Commit → consumer latency on one database, in milliseconds, sorted.</summary>
/// <param name="Database">SQLite or PostgreSQL.</param>
/// <param name="Events">Measured events.</param>
/// <param name="Sent">How long the sender took for them (the achieved rate).</param>
/// <param name="ToConsumer">Commit → the consumer received the record.</param>
/// <param name="ToCompleted">Commit → the relay counted the row published (acknowledged, then deleted from the outbox).</param>
internal sealed record LatencyRow(string Database, int Events, TimeSpan Sent, double[] ToConsumer, double[] ToCompleted)
{
    public double Rate => Events / Sent.TotalSeconds;

    /// <summary>Nearest-rank percentile.</summary>
    public static double At(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// One event per transaction at a fixed rate, the relay running in the same process (woken by each enqueue, as in an
/// application), a plain Confluent.Kafka consumer on the topic; each event's commit time is taken right after
/// <c>CommitAsync</c> returns and kept by its sequence number.
/// </summary>
internal static class RelayLatency
{
    public static async Task<LatencyRow> RunAsync(RelayRig rig, BenchDatabase database, CancellationToken cancellationToken)
    {
        var options = rig.Options;
        var topic = await rig.CreateTopicAsync("latency").ConfigureAwait(false);
        var sdk = rig.SdkOptions(topic);
        // The relay and the writer use the store through a stopwatch: slow calls are printed with the slow events.
        var store = new TimedOutboxStore(database.Outbox, TimeSpan.FromMilliseconds(10));
        var relay = RelayRig.Relay(store, sdk);
        await relay.StartAsync(cancellationToken).ConfigureAwait(false);
        var outbox = rig.Outbox(store, sdk, relay);

        // One second at the same rate first: JIT, pools and the consumer's first fetches settle (not measured).
        var warmup = options.Rate;
        var total = options.Rate * options.Seconds + warmup;
        var committedAt = new long[total + 1];
        var receivedAt = new long[total + 1];
        var completedAt = new long[total + 1];
        using var stop = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, cancellationToken);
        var consumer = Task.Factory.StartNew(() => Consume(rig.Bootstrap, topic, receivedAt, linked.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Splits the latency: the relay's published count reaches n + 1 when event n (the rows are in commit order, one
        // writer) was acknowledged and completed; sampled every millisecond or so.
        var sampler = Task.Factory.StartNew(() =>
        {
            long seen = 0;
            while (seen <= total && !linked.IsCancellationRequested)
            {
                var published = relay.Published;
                var now = Stopwatch.GetTimestamp();
                for (; seen < published && seen <= total; seen++)
                {
                    completedAt[seen] = now;
                }

                Thread.Sleep(1);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        TimeSpan sent;
        await using (var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false))
        {
            async Task CommitAsync(long sequence)
            {
                await using var transaction = await database.BeginAsync(connection, cancellationToken).ConfigureAwait(false);
                await outbox.EnqueueAsync(rig.Readings.Create(sequence), transaction, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (options.HoldMilliseconds > 0)
                {
                    await Task.Delay(options.HoldMilliseconds, cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                committedAt[sequence] = Stopwatch.GetTimestamp();
            }

            // Event 0 creates the consumer's assignment before anything is timed.
            await CommitAsync(0).ConfigureAwait(false);
            var joined = Stopwatch.StartNew();
            while (Volatile.Read(ref receivedAt[0]) == 0)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
                if (joined.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("the consumer did not receive the first event within 60 s");
                }
            }

            var clock = Stopwatch.StartNew();
            var measuredFrom = TimeSpan.Zero;
            for (var sequence = 1; sequence <= total; sequence++)
            {
                var due = TimeSpan.FromSeconds((sequence - 1) / (double)options.Rate);

                // Sleep, never spin: on 2 cores a spinning sender takes the CPU the relay and the broker need (see the
                // CDC section of docs/benchmarks.md). A late event goes out at once.
                while (clock.Elapsed < due)
                {
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                }

                if (sequence == warmup + 1)
                {
                    measuredFrom = clock.Elapsed;
                }

                await CommitAsync(sequence).ConfigureAwait(false);
            }

            sent = clock.Elapsed - measuredFrom;
        }

        var waiting = Stopwatch.StartNew();
        while (!AllReceived(receivedAt) && waiting.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await consumer.ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        await RelayRig.StopAsync(relay).ConfigureAwait(false);
        var missing = receivedAt.Skip(warmup + 1).Count(t => t == 0);
        if (missing > 0)
        {
            throw new InvalidOperationException($"{database.Name}: {missing} of {total - warmup} events never reached the consumer within 60 s");
        }

        double Milliseconds(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
        var measured = Enumerable.Range(warmup + 1, total - warmup).ToArray();
        LogSlowBursts(database.Name, measured, committedAt, receivedAt, completedAt, store);
        return new LatencyRow(
            database.Name,
            measured.Length,
            sent,
            [.. measured.Select(i => Milliseconds(committedAt[i], receivedAt[i])).Order()],
            [.. measured.Select(i => Milliseconds(committedAt[i], completedAt[i])).Order()]);
    }

    /// <summary>
    /// Prints the events over 20 ms grouped in bursts (consecutive slow events), with when they were committed and the
    /// relay-side part: where a tail comes from, and whether it lines up with something else on the machine.
    /// </summary>
    private static void LogSlowBursts(string database, int[] measured, long[] committedAt, long[] receivedAt, long[] completedAt, TimedOutboxStore store)
    {
        const double Slow = 20;
        var origin = committedAt[measured[0]];
        var bursts = new List<(int First, int Last, double Max, double RelayMax)>();
        foreach (var i in measured)
        {
            var latency = Stopwatch.GetElapsedTime(committedAt[i], receivedAt[i]).TotalMilliseconds;
            if (latency <= Slow)
            {
                continue;
            }

            var relay = Stopwatch.GetElapsedTime(committedAt[i], completedAt[i]).TotalMilliseconds;
            if (bursts.Count > 0 && bursts[^1].Last >= i - 3)
            {
                var b = bursts[^1];
                bursts[^1] = (b.First, i, Math.Max(b.Max, latency), Math.Max(b.RelayMax, relay));
            }
            else
            {
                bursts.Add((i, i, latency, relay));
            }
        }

        if (bursts.Count == 0)
        {
            OutboxCommand.Log($"{database}: no event over {Slow} ms");
            return;
        }

        OutboxCommand.Log($"{database}: {bursts.Sum(b => b.Last - b.First + 1)} events over {Slow} ms in {bursts.Count} bursts (commit time since the first measured commit, events, worst ms, worst commit → relay completed ms):");
        foreach (var (first, last, max, relayMax) in bursts.OrderByDescending(b => b.Max).Take(12).OrderBy(b => b.First))
        {
            OutboxCommand.Log($"  +{Stopwatch.GetElapsedTime(origin, committedAt[first]).TotalSeconds:0.000} s: {last - first + 1} events, worst {max:0.0} ms, relay side {relayMax:0.0} ms");
        }

        var shift = Stopwatch.GetElapsedTime(origin, store.Origin);
        var calls = store.SlowCalls.Where(c => c.At + shift >= TimeSpan.Zero).ToList();
        OutboxCommand.Log($"{database}: {calls.Count} store calls of 10 ms or more during the measured run" + (calls.Count == 0 ? "" : " (started at, call, took; the slowest 15):"));
        foreach (var (at, call, took) in calls.OrderByDescending(c => c.Took).Take(15).OrderBy(c => c.At))
        {
            OutboxCommand.Log($"  +{(at + shift).TotalSeconds:0.000} s: {call} {took.TotalMilliseconds:0.0} ms");
        }
    }

    private static bool AllReceived(long[] receivedAt)
    {
        for (var i = 0; i < receivedAt.Length; i++)
        {
            if (Volatile.Read(ref receivedAt[i]) == 0)
            {
                return false;
            }
        }

        return true;
    }

    private static void Consume(string bootstrap, string topic, long[] receivedAt, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "outbox-latency-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        }).Build();
        consumer.Subscribe(topic);
        while (!cancellationToken.IsCancellationRequested)
        {
            ConsumeResult<Ignore, byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                continue;
            }

            if (result?.Message?.Value is not { } value)
            {
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            var sequence = ReadingFactory.SequenceOf(value);
            if (sequence < receivedAt.Length && Volatile.Read(ref receivedAt[sequence]) == 0)
            {
                Volatile.Write(ref receivedAt[sequence], now);
            }
        }

        consumer.Close();
    }
}
