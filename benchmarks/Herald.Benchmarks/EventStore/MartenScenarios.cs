using System.Diagnostics;
using System.Globalization;
using JasperFx;
using JasperFx.Events.Projections;
using Marten;

namespace Herald.Benchmarks.EventStore;

/// <summary>The same scenarios on Marten 9.58.0, in schema <c>marten_bench</c> of the same database.</summary>
internal static class MartenScenarios
{
    private const string Name = Results.Marten;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync(string cs, Settings s, string note, Results results)
    {
        using var store = DocumentStore.For(o =>
        {
            o.Connection(cs);
            o.DatabaseSchemaName = "marten_bench";
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.Events.AddEventType<OrderItemAdded>();
            o.Projections.Add(new MartenOrderSummaries(), ProjectionLifecycle.Async);
        });

        // Warm-up outside the timings: schema creation, code generation, one stream of 2 events, one query, one rebuild.
        var warmup = Guid.NewGuid();
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(warmup, Workload.Event(note, 0), Workload.Event(note, 1));
            await session.SaveChangesAsync();
        }

        await using (var session = store.QuerySession())
        {
            _ = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > 0).OrderBy(e => e.Sequence).Take(1).ToListAsync();
        }

        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<MartenOrderSummaries>(TimeSpan.FromMinutes(30), CancellationToken.None);

        // 1. Appends with Marten's stream version checks: StartStream for a new stream (fails if it exists),
        //    Append(stream, expectedVersion, ...) after, expectedVersion being the version after the append.
        async Task Append(Guid stream, long versionBefore, object[] events)
        {
            await using var session = store.LightweightSession();
            if (versionBefore == 0)
            {
                session.Events.StartStream(stream, events);
            }
            else
            {
                session.Events.Append(stream, versionBefore + events.Length, events);
            }

            await session.SaveChangesAsync();
        }

        var one = Guid.NewGuid();
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < s.OneStreamSingles; i++)
        {
            await Append(one, i, [Workload.Event(note, i)]);
        }

        results.Add(new Row(Name, Kind.Append, Scenarios.OneStreamBatch1, s.OneStreamSingles, watch.Elapsed));

        one = Guid.NewGuid();
        watch.Restart();
        for (int b = 0; b < s.OneStreamBatched / 100; b++)
        {
            await Append(one, b * 100L, Workload.MartenBatch(note, 100));
        }

        results.Add(new Row(Name, Kind.Append, Scenarios.OneStreamBatch100, s.OneStreamBatched / 100 * 100, watch.Elapsed));

        var many = Enumerable.Range(0, s.Streams).Select(_ => Guid.NewGuid()).ToArray();
        watch.Restart();
        for (int r = 0; r < s.ManyStreamsRounds; r++)
        {
            for (int i = 0; i < s.Streams; i++)
            {
                await Append(many[i], r, [Workload.Event(note, r)]);
            }
        }

        results.Add(new Row(Name, Kind.Append, Scenarios.ManyStreamsBatch1, (long)s.ManyStreamsRounds * s.Streams, watch.Elapsed));

        watch.Restart();
        for (int i = 0; i < s.Streams; i++)
        {
            await Append(Guid.NewGuid(), 0, Workload.MartenBatch(note, s.PerStream));
        }

        results.Add(new Row(Name, Kind.Append, Scenarios.ManyStreamsBatch100Sequential, (long)s.Streams * s.PerStream, watch.Elapsed));

        watch.Restart();
        await HeraldScenarios.Parallel(s.Writers, s.Streams, _ => Append(Guid.NewGuid(), 0, Workload.MartenBatch(note, s.PerStream)));
        results.Add(new Row(Name, Kind.Append, Scenarios.ManyStreamsBatch100Writers(s.Writers), (long)s.Streams * s.PerStream, watch.Elapsed));

        // 2. Top up to --read-events (Marten's own append path, streams of 100, 4 writers), then read it all.
        long total = s.AppendedByScenarios;
        if (s.ReadEvents > total)
        {
            var missing = s.ReadEvents - total;
            int seedStreams = (int)((missing + 99) / 100);
            watch.Restart();
            await HeraldScenarios.Parallel(s.Writers, seedStreams, i => Append(Guid.NewGuid(), 0, Workload.MartenBatch(note, (int)Math.Min(100, missing - (100L * i)))));
            results.Add(new Row(Name, Kind.Seed, Scenarios.Seed(s.Writers), missing, watch.Elapsed));
            total = s.ReadEvents;
        }

        await EventStoreCommand.ExecuteAsync(cs, "ANALYZE marten_bench.mt_events; ANALYZE marten_bench.mt_streams;");
        watch.Restart();
        long last = 0;
        long read = 0;
        long qty = 0;
        await using (var session = store.QuerySession())
        {
            while (true)
            {
                var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(Settings.PageSize).ToListAsync();
                foreach (var e in page)
                {
                    qty += ((OrderItemAdded)e.Data).Qty;
                    last = e.Sequence;
                }

                read += page.Count;
                if (page.Count < Settings.PageSize)
                {
                    break;
                }
            }
        }

        results.Add(new Row(Name, Kind.Read, Scenarios.ReadAll, read, watch.Elapsed));
        if (read != total)
        {
            results.Note($"{Name}: read {read:N0} events, expected {total:N0}");
        }

        // 3. Rebuild with the daemon's rebuild API (includes its high-water detection).
        watch.Restart();
        await daemon.RebuildProjectionAsync<MartenOrderSummaries>(TimeSpan.FromMinutes(30), CancellationToken.None);
        var elapsed = watch.Elapsed;
        long views;
        long folded;
        await using (var session = store.QuerySession())
        {
            views = await session.Query<OrderSummary>().CountAsync();
            folded = await session.Query<OrderSummary>().SumAsync(x => x.Count);
        }

        results.Add(new Row(Name, Kind.Rebuild, Scenarios.Rebuild, read, elapsed, string.Create(Inv, $"{views:N0} documents, sum(count) {folded:N0}")));
        if (folded != read)
        {
            results.Note($"{Name}: the rebuilt documents count {folded:N0} events, the feed has {read:N0}");
        }

        // 4. Reference only: live aggregation of a 1000-event stream (Marten has no event-stream snapshots to compare).
        var aggregate = Guid.NewGuid();
        for (int v = 0; v < s.AggregateEvents; v += 10)
        {
            await Append(aggregate, v, Workload.MartenBatch(note, Math.Min(10, s.AggregateEvents - v)));
        }

        var times = new List<double>();
        OrderSummary? loaded = null;
        for (int i = 0; i < s.Loads + 3; i++)
        {
            await using var session = store.QuerySession();
            var w = Stopwatch.StartNew();
            loaded = await session.Events.AggregateStreamAsync<OrderSummary>(aggregate);
            if (i >= 3)
            {
                times.Add(w.Elapsed.TotalMilliseconds);
            }
        }

        if (loaded?.Count != s.AggregateEvents)
        {
            results.Note($"{Name}: AggregateStreamAsync folded {loaded?.Count} events, expected {s.AggregateEvents}");
        }

        times.Sort();
        results.Add(new LoadRow(Name, "AggregateStreamAsync (live, no snapshot)", times[times.Count / 2], times[0], s.AggregateEvents, times.Count));
        GC.KeepAlive(qty);
    }
}
