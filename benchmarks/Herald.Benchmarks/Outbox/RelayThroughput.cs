using System.Diagnostics;
using System.Runtime.CompilerServices;
using Herald.Outbox;
using Herald.Publishing;

namespace Herald.Benchmarks.Outbox;

/// <summary>One row of the throughput table.</summary>
/// <param name="Database">SQLite, PostgreSQL, or null for the direct publish.</param>
/// <param name="Scenario">What ran.</param>
/// <param name="Events">Events relayed or published.</param>
/// <param name="Enqueue">How long the writers took to commit them (null for the direct publish).</param>
/// <param name="Delivered">Until the broker acknowledged all of them (and, for the relay, the outbox was empty).</param>
/// <param name="Baseline">Whether this is the direct publish the relay rows are compared with.</param>
/// <param name="Note">What else was seen.</param>
/// <param name="StartUp">For a relay started on a backlog: when its first batch was completed (its producer's start-up is in there).</param>
/// <param name="StartUpEvents">The rows that first batch completed.</param>
internal sealed record ThroughputRow(string? Database, string Scenario, long Events, TimeSpan? Enqueue, TimeSpan Delivered, bool Baseline = false, string? Note = null, TimeSpan? StartUp = null, long StartUpEvents = 0)
{
    public double? EnqueueRate => Enqueue is { } t ? Events / t.TotalSeconds : null;

    /// <summary>Events per second from the start (a relay's start-up included).</summary>
    public double DeliveredRate => Events / Delivered.TotalSeconds;

    /// <summary>Events per second after the first batch: what the relay sustains once its producer is up.</summary>
    public double SustainedRate => StartUp is { } startUp ? (Events - StartUpEvents) / (Delivered - startUp).TotalSeconds : DeliveredRate;
}

/// <summary>
/// Relay throughput on one database: a backlog committed first and then drained (transactions of many rows, then of one
/// row), writers and relay at once, and the SDK's direct publish of the same events to compare with.
/// </summary>
internal static class RelayThroughput
{
    public static async Task<IReadOnlyList<ThroughputRow>> RunAsync(RelayRig rig, Func<CancellationToken, Task<BenchDatabase>> newDatabase, CancellationToken cancellationToken)
    {
        var options = rig.Options;

        // Untimed first: the direct publish and a relay drain on this database, so neither side is measured while the
        // JIT is still compiling its path (a cold direct publish of 100,000 events ran at less than half its warm rate).
        OutboxCommand.Log($"warm-up: {options.WarmupEvents:N0} events published directly and through a relay");
        await DirectPublishAsync(rig, options.WarmupEvents, cancellationToken).ConfigureAwait(false);
        await using (var database = await newDatabase(cancellationToken).ConfigureAwait(false))
        {
            await BacklogAsync(rig, database, options.WarmupEvents, options.TransactionRows, cancellationToken).ConfigureAwait(false);
        }

        // Direct publish and drain alternate for a few rounds; the table shows each one's median round, so one
        // disturbed round (other work on the machine) moves neither the figure nor the ratio much.
        var direct = new List<ThroughputRow>();
        var drains = new List<ThroughputRow>();
        for (var round = 0; round < options.Rounds; round++)
        {
            direct.Add(await DirectPublishAsync(rig, options.Events, cancellationToken).ConfigureAwait(false));
            Report(direct[^1]);
            await using var database = await newDatabase(cancellationToken).ConfigureAwait(false);
            drains.Add(await BacklogAsync(rig, database, options.Events, options.TransactionRows, cancellationToken).ConfigureAwait(false));
            Report(drains[^1]);
        }

        var rows = new List<ThroughputRow> { Median(direct), Median(drains) };
        await using (var database = await newDatabase(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(await BacklogAsync(rig, database, options.SingleRowEvents, 1, cancellationToken).ConfigureAwait(false));
            Report(rows[^1]);
        }

        await using (var database = await newDatabase(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(await SteadyAsync(rig, database, cancellationToken).ConfigureAwait(false));
            Report(rows[^1]);
        }

        return rows;
    }

    /// <summary>
    /// The SDK's direct publish of the same events: <see cref="EventPublisher.PublishAsync{TEvent}"/> called without
    /// awaiting each one, at most <see cref="OutboxBenchOptions.PublishWindow"/> in flight, from the first call until
    /// every returned task completed (every event acknowledged).
    /// </summary>
    public static async Task<ThroughputRow> DirectPublishAsync(RelayRig rig, int events, CancellationToken cancellationToken)
    {
        var topic = await rig.CreateTopicAsync("direct").ConfigureAwait(false);
        using var publisher = new EventPublisher(rig.SdkOptions(topic), rig.Contracts);
        using var window = new SemaphoreSlim(rig.Options.PublishWindow);
        var failures = 0;
        async Task PublishOneAsync(long sequence)
        {
            try
            {
                await publisher.PublishAsync(rig.Readings.Create(sequence), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref failures);
            }
            finally
            {
                window.Release();
            }
        }

        // One publish first, untimed: a new idempotent producer needs 0.5-1 s for its producer id (librdkafka asks on a
        // 500 ms timer until a broker connection is up); the relay rows report their own start-up apart.
        await publisher.PublishAsync(rig.Readings.Create(-1), cancellationToken: cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var publishes = new Task[events];
        for (var i = 0; i < events; i++)
        {
            await window.WaitAsync(cancellationToken).ConfigureAwait(false);
            publishes[i] = PublishOneAsync(i);
        }

        await Task.WhenAll(publishes).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var onTopic = rig.CountOnTopic(topic) - 1;
        return new ThroughputRow(null, $"direct publish: `EventPublisher.PublishAsync`, ≤ {rig.Options.PublishWindow:N0} in flight", events, null, elapsed, Baseline: true,
            Note: Check(onTopic, events) + (failures > 0 ? $"; {failures} publishes failed" : ""));
    }

    /// <summary>Commits <paramref name="events"/> rows first (nobody relaying), then starts a relay and times it until every row is acknowledged and completed.</summary>
    private static async Task<ThroughputRow> BacklogAsync(RelayRig rig, BenchDatabase database, int events, int rowsPerTransaction, CancellationToken cancellationToken)
    {
        var topic = await rig.CreateTopicAsync(rowsPerTransaction == 1 ? "single" : "backlog").ConfigureAwait(false);
        var sdk = rig.SdkOptions(topic);
        var writing = Stopwatch.StartNew();
        await rig.WriteAsync(database, rig.Outbox(database.Outbox, sdk, relay: null), 0, events, rowsPerTransaction, null, cancellationToken).ConfigureAwait(false);
        var enqueue = writing.Elapsed;

        var relay = RelayRig.Relay(database.Outbox, sdk);
        var clock = Stopwatch.StartNew();
        await relay.StartAsync(cancellationToken).ConfigureAwait(false);
        var (startUp, startUpEvents) = await WaitPublishedAsync(relay, events, cancellationToken).ConfigureAwait(false);
        var drained = clock.Elapsed;
        await RelayRig.StopAsync(relay).ConfigureAwait(false);
        var backlog = (await database.Outbox.GetStatusAsync(cancellationToken).ConfigureAwait(false)).BacklogRows;
        var scenario = rowsPerTransaction == 1
            ? "backlog drain, 1-row transactions"
            : $"backlog drain, {rowsPerTransaction}-row transactions";
        return new ThroughputRow(database.Name, scenario, events, enqueue, drained,
            Note: Check(rig.CountOnTopic(topic), events) + (backlog == 0 ? "" : $"; {backlog} rows left in the outbox"),
            StartUp: startUp, StartUpEvents: startUpEvents);
    }

    /// <summary>
    /// Writers and relay at once: the relay runs (woken by each enqueue, as in an application), then
    /// <see cref="OutboxBenchOptions.Writers"/> writers commit their share as fast as they can; from the writers' start
    /// until the last row is acknowledged.
    /// </summary>
    private static async Task<ThroughputRow> SteadyAsync(RelayRig rig, BenchDatabase database, CancellationToken cancellationToken)
    {
        var options = rig.Options;
        var events = options.SteadyEvents;
        var topic = await rig.CreateTopicAsync("steady").ConfigureAwait(false);
        var sdk = rig.SdkOptions(topic);

        // The relay's store calls are timed: where it waits while the writers run (the writers use the store directly).
        var timed = new TimedOutboxStore(database.Outbox, TimeSpan.FromMilliseconds(100));
        var relay = RelayRig.Relay(timed, sdk);
        await relay.StartAsync(cancellationToken).ConfigureAwait(false);
        var outbox = rig.Outbox(database.Outbox, sdk, relay);

        // The relay is running already in a steady state: one event first, untimed, brings its producer up.
        await rig.WriteAsync(database, outbox, -1, 1, 1, null, cancellationToken).ConfigureAwait(false);
        await WaitPublishedAsync(relay, 1, cancellationToken).ConfigureAwait(false);
        var committed = new StrongBox<long>(1);
        long maxBacklog = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                maxBacklog = Math.Max(maxBacklog, Interlocked.Read(ref committed.Value) - relay.Published);
                await Task.Delay(10, CancellationToken.None).ConfigureAwait(false);
            }
        }, CancellationToken.None);

        var clock = Stopwatch.StartNew();
        var share = events / options.Writers;
        var writers = Enumerable.Range(0, options.Writers).Select(w =>
        {
            long first = (long)w * share;
            long count = w == options.Writers - 1 ? events - first : share;
            // A thread of its own per writer: Microsoft.Data.Sqlite's async calls complete synchronously, so a writer on
            // the thread pool would hold a pool thread for its whole run, and the relay's continuations would queue
            // behind four of them on a 2-core pool (the pool adds threads only slowly).
            return Task.Factory.StartNew(
                () => rig.WriteAsync(database, outbox, first, count, options.TransactionRows, committed, cancellationToken),
                cancellationToken,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();
        }).ToArray();
        await Task.WhenAll(writers).ConfigureAwait(false);
        var enqueue = clock.Elapsed;
        await WaitPublishedAsync(relay, events + 1, cancellationToken).ConfigureAwait(false);
        var delivered = clock.Elapsed;
        await stopSampling.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        await RelayRig.StopAsync(relay).ConfigureAwait(false);
        OutboxCommand.Log($"{database.Name}: steady state, the relay's store calls (writers {enqueue.TotalMilliseconds:N0} ms, until all acknowledged {delivered.TotalMilliseconds:N0} ms): {timed.Summary()}");
        return new ThroughputRow(database.Name, $"steady state: {options.Writers} writers, {options.TransactionRows}-row transactions, relay running", events, enqueue, delivered,
            Note: Check(rig.CountOnTopic(topic) - 1, events) + $"; backlog at most {maxBacklog:N0} rows; last commit → all acknowledged {(delivered - enqueue).TotalMilliseconds:N0} ms");
    }

    /// <summary>The round with the median delivery time, its note listing every round's rate.</summary>
    private static ThroughputRow Median(List<ThroughputRow> rounds)
    {
        var median = rounds.OrderBy(r => r.SustainedRate).ElementAt(rounds.Count / 2);
        return rounds.Count == 1
            ? median
            : median with { Note = $"median of {rounds.Count} rounds: {string.Join(", ", rounds.Select(r => r.SustainedRate.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}/s; {median.Note}" };
    }

    /// <summary>Waits until the relay completed <paramref name="events"/> rows; returns when it completed its first batch (start-up), and how many rows that was.</summary>
    private static async Task<(TimeSpan At, long Rows)> WaitPublishedAsync(OutboxRelay relay, long events, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        (TimeSpan At, long Rows)? first = null;
        var lastProgress = Stopwatch.StartNew();
        var last = relay.Published;
        while (relay.Published < events)
        {
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            if (relay.Published != last)
            {
                first ??= (clock.Elapsed, relay.Published);
                last = relay.Published;
                lastProgress.Restart();
            }
            else if (lastProgress.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"the relay published nothing for 60 s ({last:N0} of {events:N0}; breaker {relay.BreakerState}, holds lease {relay.HoldsLease})");
            }
        }

        return first ?? (clock.Elapsed, 0);
    }

    private static string Check(long onTopic, long events) =>
        onTopic == events ? $"{onTopic:N0} records on the topic" : $"**{onTopic:N0} records on the topic, expected {events:N0}**";

    private static void Report(ThroughputRow row) => OutboxCommand.Log(
        $"{row.Database ?? "direct"}: {row.Scenario}: {row.Events:N0} events" +
        (row.EnqueueRate is { } rate ? $", committed at {rate:N0}/s" : "") +
        $", delivered in {row.Delivered.TotalSeconds:0.00} s = {row.DeliveredRate:N0}/s" +
        (row.StartUp is { } startUp ? $", first batch after {startUp.TotalMilliseconds:N0} ms, {row.SustainedRate:N0}/s after it" : "") + $" ({row.Note})");
}
