using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Herald.EventStore;
using Herald.EventStore.Projections;
using Npgsql;

namespace Herald.Benchmarks.EventStore;

/// <summary>
/// <c>--probe-appends</c>: why appends to one existing stream are slower than to new streams, and the fixed cost of
/// one append. Per store: 400 batches of 100 into one stream (ms per append, first vs last 50), 1-event appends to new
/// vs existing streams, a bare round trip, and on PostgreSQL the plan of the append's duplicate-id lookup.
/// </summary>
internal static class AppendProbe
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task RunAsync(string name, IProjectionStore store, string note, Results results)
    {
        await store.EnsureCreatedAsync();
        var stream = "probe-" + Guid.NewGuid().ToString("N")[..8];
        var perAppend = new List<double>();
        for (int b = 0; b < 400; b++)
        {
            var w = Stopwatch.StartNew();
            await store.AppendAsync(stream, b == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exact(b * 100L), Workload.HeraldBatch(note, 100));
            perAppend.Add(w.Elapsed.TotalMilliseconds);
        }

        static double Median(IEnumerable<double> xs)
        {
            var l = xs.OrderBy(x => x).ToList();
            return l[l.Count / 2];
        }

        results.Note(string.Create(Inv, $"{name} probe: one stream, 100-event appends: median {Median(perAppend.Take(50)):0.00} ms for appends 1-50 (stream 0-5,000 events), {Median(perAppend.Skip(350)):0.00} ms for appends 351-400 (35,000-40,000 events)"));

        var fresh = new List<double>();
        var existing = new List<double>();
        var newBatch = new List<double>();
        for (int i = 0; i < 300; i++)
        {
            var w = Stopwatch.StartNew();
            await store.AppendAsync($"probe-new-{i}-{stream}", ExpectedVersion.NoStream, [Workload.Herald(note, i)]);
            fresh.Add(w.Elapsed.TotalMilliseconds);
            w.Restart();
            await store.AppendAsync($"probe-new-{i}-{stream}", ExpectedVersion.Exact(1), [Workload.Herald(note, i)]);
            existing.Add(w.Elapsed.TotalMilliseconds);
            w.Restart();
            await store.AppendAsync($"probe-b-{i}-{stream}", ExpectedVersion.NoStream, Workload.HeraldBatch(note, 100));
            newBatch.Add(w.Elapsed.TotalMilliseconds);
        }

        await using var connection = await store.OpenConnectionAsync();
        var trip = new List<double>();
        for (int i = 0; i < 300; i++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            var w = Stopwatch.StartNew();
            await command.ExecuteScalarAsync();
            trip.Add(w.Elapsed.TotalMilliseconds);
        }

        results.Note(string.Create(Inv, $"{name} probe: median 1-event append to a new stream {Median(fresh):0.00} ms, to a 1-event stream {Median(existing):0.00} ms; 100-event append to a new stream {Median(newBatch):0.00} ms; `SELECT 1` round trip {Median(trip):0.00} ms"));

        async Task<double> TimeAsync(string sql, int times = 200)
        {
            var ms = new List<double>();
            for (int i = 0; i < times; i++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql.Replace("{i}", i.ToString(Inv), StringComparison.Ordinal);
                var w = Stopwatch.StartNew();
                await command.ExecuteNonQueryAsync();
                ms.Add(w.Elapsed.TotalMilliseconds);
            }

            return Median(ms);
        }

        if (store.Dialect == SqlDialect.Sqlite)
        {
            await using var plan = connection.CreateCommand();
            plan.CommandText = $"EXPLAIN QUERY PLAN SELECT stream_version, global_position FROM events WHERE stream_id = '{stream}' AND event_id = 'x'";
            var rows = new List<string>();
            await using (var reader = await plan.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    rows.Add(reader.GetString(3));
                }
            }

            var lookup = await TimeAsync($"SELECT stream_version, global_position FROM events WHERE stream_id = '{stream}' AND event_id = '{Guid.NewGuid()}'");
            results.Note(string.Create(Inv, $"{name} probe: duplicate-id lookup plan: {string.Join(" / ", rows)}; one lookup {lookup:0.000} ms"));
        }

        if (store.Dialect == SqlDialect.PostgreSql)
        {
            await TimeAsync("CREATE TABLE IF NOT EXISTS probe_scratch (id bigint PRIMARY KEY, v text)", 1);
            var locks = await TimeAsync("SELECT pg_advisory_xact_lock_shared(42), pg_current_xact_id()");
            var insert = await TimeAsync("INSERT INTO probe_scratch VALUES ({i}, 'x')");
            var forUpdate = await TimeAsync($"SELECT version FROM streams WHERE stream_id = '{stream}' FOR UPDATE");
            results.Note(string.Create(Inv, $"{name} probe: statements in their own transaction — `SELECT pg_advisory_xact_lock_shared(k), pg_current_xact_id()`: {locks:0.00} ms; one-row INSERT: {insert:0.00} ms; `SELECT version FROM streams WHERE stream_id = ... FOR UPDATE`: {forUpdate:0.00} ms"));

            // The duplicate-id check of append_events, as the function runs it (a prepared statement; generic plan after 5 runs).
            var ids = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
            await using (var set = connection.CreateCommand())
            {
                set.CommandText = "SET plan_cache_mode = force_generic_plan";
                await set.ExecuteNonQueryAsync();
            }

            foreach (var mode in new[] { "generic", "custom" })
            {
                await using var explain = (NpgsqlCommand)connection.CreateCommand();
                explain.CommandText = (mode == "custom" ? "SET plan_cache_mode = force_custom_plan; " : string.Empty)
                    + "PREPARE dupcheck_" + mode + "(text, uuid[]) AS SELECT count(*), max(e.stream_version) FROM events e WHERE e.stream_id = $1 AND e.event_id = ANY($2)";
                await explain.ExecuteNonQueryAsync();
                await using var run = (NpgsqlCommand)connection.CreateCommand();
                run.CommandText = $"EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) EXECUTE dupcheck_{mode}('{stream}', '{{{string.Join(',', ids)}}}'::uuid[])";
                var plan = new List<string>();
                await using (var reader = await run.ExecuteReaderAsync())
                {
                    while (await reader.ReadAsync())
                    {
                        plan.Add(reader.GetString(0).Trim());
                    }
                }

                results.Note($"{name} probe: duplicate-id lookup on the 40,000-event stream, {mode} plan: {string.Join(" / ", plan)}");
            }
        }
    }
}
