using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Herald.EventStore;
using Herald.EventStore.Aggregates;
using Herald.EventStore.Projections;

namespace Herald.Benchmarks.EventStore;

/// <summary>Every scenario on one Herald store (PostgreSQL or SQLite).</summary>
internal static class HeraldScenarios
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync(string name, IProjectionStore store, Settings s, string note, Results results, Func<Task> analyze)
    {
        var types = Workload.Types();
        var projection = new HeraldOrderSummaries(types);
        var rebuilder = new ProjectionRebuilder(store, s.RebuildBatch);
        await store.EnsureCreatedAsync();

        // Warm-up outside the timings: one stream of 2 events, one read, one rebuild of those 2 events.
        await store.AppendAsync("warmup", ExpectedVersion.NoStream, [Workload.Herald(note, 0), Workload.Herald(note, 1)]);
        await foreach (var _ in store.ReadAllAsync(0, 1))
        {
        }

        await rebuilder.RebuildAsync(projection);

        // 1. Appends, optimistic concurrency on: NoStream for the first append of a stream, Exact(version) after.
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < s.OneStreamSingles; i++)
        {
            await store.AppendAsync("one-b1", i == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(i), [Workload.Herald(note, i)]);
        }

        results.Add(new Row(name, Kind.Append, Scenarios.OneStreamBatch1, s.OneStreamSingles, watch.Elapsed));

        watch.Restart();
        for (int b = 0; b < s.OneStreamBatched / 100; b++)
        {
            await store.AppendAsync("one-b100", b == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(b * 100L), Workload.HeraldBatch(note, 100));
        }

        results.Add(new Row(name, Kind.Append, Scenarios.OneStreamBatch100, s.OneStreamBatched / 100 * 100, watch.Elapsed));

        watch.Restart();
        for (int r = 0; r < s.ManyStreamsRounds; r++)
        {
            for (int i = 0; i < s.Streams; i++)
            {
                await store.AppendAsync($"b1-{i}", r == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(r), [Workload.Herald(note, r)]);
            }
        }

        results.Add(new Row(name, Kind.Append, Scenarios.ManyStreamsBatch1, (long)s.ManyStreamsRounds * s.Streams, watch.Elapsed));

        watch.Restart();
        for (int i = 0; i < s.Streams; i++)
        {
            await store.AppendAsync($"seq-{i}", ExpectedVersion.NoStream, Workload.HeraldBatch(note, s.PerStream));
        }

        results.Add(new Row(name, Kind.Append, Scenarios.ManyStreamsBatch100Sequential, (long)s.Streams * s.PerStream, watch.Elapsed));

        watch.Restart();
        await Parallel(s.Writers, s.Streams, i => store.AppendAsync($"conc-{i}", ExpectedVersion.NoStream, Workload.HeraldBatch(note, s.PerStream)));
        results.Add(new Row(name, Kind.Append, Scenarios.ManyStreamsBatch100Writers(s.Writers), (long)s.Streams * s.PerStream, watch.Elapsed));

        // 2. Top the feed up to --read-events with the store's own append path (streams of 100, 4 writers), then read it all.
        long total = s.AppendedByScenarios;
        if (s.ReadEvents > total)
        {
            var missing = s.ReadEvents - total;
            int seedStreams = (int)((missing + 99) / 100);
            watch.Restart();
            await Parallel(s.Writers, seedStreams, i =>
            {
                int count = (int)Math.Min(100, missing - (100L * i));
                return store.AppendAsync($"seed-{i}", ExpectedVersion.NoStream, Workload.HeraldBatch(note, count));
            });
            results.Add(new Row(name, Kind.Seed, Scenarios.Seed(s.Writers), missing, watch.Elapsed));
            total = s.ReadEvents;
        }

        await analyze();
        watch.Restart();
        long last = 0;
        long read = 0;
        long qty = 0;
        while (true)
        {
            int page = 0;
            await foreach (var e in store.ReadAllAsync(last, Settings.PageSize))
            {
                qty += JsonSerializer.Deserialize<OrderItemAdded>(e.Data.Span, Workload.Json)!.Qty;
                last = e.GlobalPosition;
                page++;
            }

            read += page;
            if (page < Settings.PageSize)
            {
                break;
            }
        }

        results.Add(new Row(name, Kind.Read, Scenarios.ReadAll, read, watch.Elapsed));
        if (read != total)
        {
            results.Note($"{name}: read {read:N0} events, expected {total:N0}");
        }

        // 3. Rebuild the per-stream projection from position 0 (fresh tables, then swap).
        var rebuilt = await rebuilder.RebuildAsync(projection);
        var (views, folded) = await CountViewsAsync(store);
        results.Add(new Row(name, Kind.Rebuild, Scenarios.Rebuild, read, rebuilt.Elapsed,
            string.Create(Inv, $"{rebuilt.EventsApplied:N0} events applied, {views:N0} views, sum(count) {folded:N0}")));
        if (folded != read)
        {
            results.Note($"{name}: the rebuilt views count {folded:N0} events, the feed has {read:N0}");
        }

        if (s.Breakdown)
        {
            await RebuildBreakdown.RunAsync(name, store, s, types, results);
        }

        // 4. Aggregate load, with and without snapshots (after the rebuild: snapshots are `$` streams).
        await LoadAggregatesAsync(name, store, s, types, note, results);
        GC.KeepAlive(qty);
    }

    private static async Task LoadAggregatesAsync(string name, IEventStore store, Settings s, Herald.EventStore.Serialization.EventTypeMap types, string note, Results results)
    {
        var repository = new AggregateRepository<OrderAggregate>(store, types, new SnapshotOptions { Every = s.SnapshotEvery });
        const string stream = "aggregate-1";
        const int batch = 10;
        for (int v = 0; v < s.AggregateEvents; v += batch)
        {
            var events = Enumerable.Range(v, Math.Min(batch, s.AggregateEvents - v)).Select(i => (object)Workload.Event(note, i)).ToList();
            await repository.AppendAsync(stream, v, events);
        }

        foreach (var useSnapshots in new[] { false, true })
        {
            var times = new List<double>();
            Loaded<OrderAggregate>? loaded = null;
            for (int i = 0; i < s.Loads + 3; i++)
            {
                var watch = Stopwatch.StartNew();
                loaded = await repository.LoadAsync(stream, useSnapshots);
                if (i >= 3)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }

            if (loaded!.Version != s.AggregateEvents || loaded.State.Count != s.AggregateEvents)
            {
                results.Note($"{name}: loaded aggregate at version {loaded.Version} with {loaded.State.Count} events, expected {s.AggregateEvents}");
            }

            times.Sort();
            results.Add(new LoadRow(name, useSnapshots ? Scenarios.WithSnapshots(s.SnapshotEvery) : Scenarios.NoSnapshots, times[times.Count / 2], times[0], loaded.EventsFolded, times.Count));
        }
    }

    private static async Task<(long Views, long Folded)> CountViewsAsync(IProjectionStore store)
    {
        await using var connection = await store.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = store.Dialect == SqlDialect.PostgreSql
            ? $"SELECT count(*), coalesce(sum((data->>'count')::bigint), 0)::bigint FROM {HeraldOrderSummaries.TableName}"
            : $"SELECT count(*), coalesce(sum(json_extract(data, '$.count')), 0) FROM {HeraldOrderSummaries.TableName}";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>Runs <paramref name="count"/> jobs on <paramref name="writers"/> concurrent tasks, each taking the next index.</summary>
    public static Task Parallel(int writers, int count, Func<int, Task> job)
    {
        int next = -1;
        return Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (int i; (i = Interlocked.Increment(ref next)) < count;)
            {
                await job(i);
            }
        })));
    }
}

/// <summary>Scenario names, shared by every store so the report can line them up.</summary>
internal static class Scenarios
{
    public const string OneStreamBatch1 = "append: 1 stream, batch 1";
    public const string OneStreamBatch100 = "append: 1 stream, batch 100";
    /// <summary>The many-stream scenarios' stream count and batch (set once from the options, for the names).</summary>
    public static int Streams { get; set; } = 1000;

    public static int Batch { get; set; } = 100;

    public static string ManyStreamsBatch1 => $"append: {Streams} streams, batch 1";

    public static string ManyStreamsBatch100Sequential => $"append: {Streams} streams, batch {Batch}, sequential";
    public const string ReadAll = "read-all (pages of 10,000, payloads deserialized)";
    public const string Rebuild = "projection rebuild (per-stream OrderSummary)";
    public const string NoSnapshots = "no snapshots";

    public static string ManyStreamsBatch100Writers(int writers) => $"append: {Streams} streams, batch {Batch}, {writers} writers";

    public static string Seed(int writers) => $"seed to --read-events (batch 100, {writers} writers)";

    public static string WithSnapshots(int every) => $"snapshot every {every}";
}
