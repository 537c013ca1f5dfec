using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.EventStore.PostgreSql;
using Herald.EventStore.Sqlite;
using Herald.Testing;
using Marten;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Benchmarks.EventStore;

/// <summary>
/// Herald's event store (PostgreSQL and SQLite) against Marten on the same PostgreSQL database, in one run: appends
/// (one stream and 1000 streams, batches of 1 and 100, sequential and concurrent, concurrency checks on), paged
/// read-all of the whole feed (optionally topped up to 1M events), a per-stream projection rebuild, and aggregate
/// loads with and without snapshots. Prints markdown tables, Herald/Marten and SQLite/PostgreSQL ratios and the
/// issue's targets.
/// </summary>
public static class EventStoreCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        bool full = args.Contains("--full");
        var settings = new Settings(
            Streams: Argument(args, "--streams", 1000),
            PerStream: Argument(args, "--events-per-stream", 100),
            Writers: Argument(args, "--writers", 4),
            OneStreamSingles: Argument(args, "--one-stream-singles", 2000),
            OneStreamBatched: Argument(args, "--one-stream-batched", 20_000),
            ManyStreamsRounds: Argument(args, "--many-streams-rounds", 5),
            ReadEvents: Argument(args, "--read-events", full ? 1_000_000 : 0),
            Full: full,
            Loads: Argument(args, "--loads", 21),
            AggregateEvents: Argument(args, "--aggregate-events", 1000),
            SnapshotEvery: Argument(args, "--snapshot-every", 100),
            Breakdown: args.Contains("--rebuild-breakdown"),
            RebuildBatch: Argument(args, "--rebuild-batch", 5000));
        Workload.RandomEventIds = args.Contains("--random-event-ids");
        Scenarios.Streams = settings.Streams;
        Scenarios.Batch = settings.PerStream;
        var only = Option(args, "--stores")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? ["pg", "sqlite", "marten"];
        bool marten = only.Contains("marten") && !args.Contains("--no-marten");
        bool martenFirst = args.Contains("--marten-first");
        var note = Workload.NoteFor200Bytes();
        var scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "herald-es-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        var results = new Results();
        var loadBefore = LoadAverage();
        var started = Stopwatch.StartNew();
        try
        {
            // PostgreSQL: one fresh database on the private cluster, shared by Herald (public schema) and Marten (marten_bench).
            var cluster = await PostgresCluster.Shared;
            var cs = await cluster.CreateDatabaseAsync("bench_eventstore");
            string pgVersion;
            await using (var dataSource = NpgsqlDataSource.Create(cs))
            {
                await using var version = dataSource.CreateCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', shared_buffers=' || current_setting('shared_buffers')");
                pgVersion = (string)(await version.ExecuteScalarAsync())!;
            }

            if (args.Contains("--probe-appends"))
            {
                var probePath = Path.Combine(scratch, "probe.db");
                await AppendProbe.RunAsync(Results.HeraldSqlite, new SqliteEventStore($"Data Source={probePath}"), note, results);
                var probeDb = await cluster.CreateDatabaseAsync("bench_probe");
                await using (var probe = new PostgreSqlEventStore(probeDb))
                {
                    await AppendProbe.RunAsync(Results.HeraldPg, probe, note, results);
                }

                foreach (var n in results.Notes)
                {
                    Console.WriteLine("- " + n);
                }

                return 0;
            }

            if (marten && martenFirst)
            {
                await MartenScenarios.RunAsync(cs, settings, note, results);
            }

            if (only.Contains("sqlite"))
            {
                // SQLite: a temp file.
                var sqlitePath = Path.Combine(scratch, "events.db");
                var sqlite = new SqliteEventStore($"Data Source={sqlitePath}");
                await HeraldScenarios.RunAsync(Results.HeraldSqlite, sqlite, settings, note, results, async () =>
                {
                    await using var connection = new SqliteConnection($"Data Source={sqlitePath}");
                    await connection.OpenAsync();
                    await using var analyze = connection.CreateCommand();
                    analyze.CommandText = "ANALYZE";
                    await analyze.ExecuteNonQueryAsync();
                });
                SqliteConnection.ClearAllPools();
            }

            if (only.Contains("pg"))
            {
                await using var postgres = new PostgreSqlEventStore(cs);
                await HeraldScenarios.RunAsync(Results.HeraldPg, postgres, settings, note, results, () => ExecuteAsync(cs, "ANALYZE events; ANALYZE streams;"));
            }

            if (marten && !martenFirst)
            {
                await MartenScenarios.RunAsync(cs, settings, note, results);
            }

            Console.WriteLine(Report(settings, note, pgVersion, marten, results, loadBefore, LoadAverage(), started.Elapsed));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(scratch, recursive: true);
        }
    }

    internal static async Task ExecuteAsync(string cs, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    private static string Report(Settings s, string note, string pgVersion, bool marten, Results results, string loadBefore, string loadAfter, TimeSpan wall)
    {
        const string Pg = Results.HeraldPg;
        const string Lite = Results.HeraldSqlite;
        const string Mt = Results.Marten;
        static string F(double? v) => v is { } x ? x.ToString("N0", Inv) : "–";
        static string X(double? a, double? b) => a is { } x && b is { } y ? (x / y).ToString("0.00", Inv) + "×" : "–";
        static string Verdict(bool met) => met ? "**met**" : "**not met**";
        var size = JsonSerializer.SerializeToUtf8Bytes(Workload.Event(note, 0), Workload.Json).Length;
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {wall.TotalMinutes:0.0} min — {Environment.ProcessorCount} cores, load average {loadBefore} before / {loadAfter} after, .NET {Environment.Version}, Marten {typeof(DocumentStore).Assembly.GetName().Version}, Npgsql {typeof(NpgsqlConnection).Assembly.GetName().Version}.");
        md.AppendLine(Inv, $"PostgreSQL {pgVersion} (the private test cluster, `PostgresCluster`: **fsync=off**), Herald (public schema) and Marten (`marten_bench`) in one fresh database. SQLite: a temp file, the store's defaults.");
        md.AppendLine(Inv, $"Events: `{nameof(OrderItemAdded)}`, {size} B JSON. Appends check concurrency (Herald `NoStream`/`Exact(v)`, Marten `StartStream`/`Append(id, expectedVersion, …)`), one append call (Marten: one session + `SaveChangesAsync`) per batch. 1 stream batch 1: {s.OneStreamSingles:N0} events; 1 stream batch 100: {s.OneStreamBatched:N0}; {s.Streams:N0} streams batch 1: {s.ManyStreamsRounds} rounds over the streams; {s.Streams:N0} streams × {s.PerStream} in one call each, sequential, then {s.Writers} writers.");
        md.AppendLine(Inv, $"Read-all and rebuild run over the whole feed ({(s.ReadEvents > s.AppendedByScenarios ? string.Create(Inv, $"topped up to {s.ReadEvents:N0} events by each store's own append path") : "the events appended above")}), after `ANALYZE`. Herald rebuild: `ProjectionRebuilder` (batch {s.RebuildBatch:N0}) + `ViewProjection<OrderSummary>`; Marten: `SingleStreamProjection<OrderSummary, Guid>` registered async, `daemon.RebuildProjectionAsync` (defaults). One run per scenario; warm-up (2-event stream, 1 read, a rebuild of those 2 events) outside the timings.");
        md.AppendLine();
        md.AppendLine("| Scenario | Events | Herald PG events/s | Herald SQLite events/s | Marten events/s | Herald PG / Marten | Herald SQLite / Marten | SQLite / PG |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        var main = results.Rows.Where(r => !r.Store.EndsWith("]", StringComparison.Ordinal)).ToList();
        foreach (var scenario in main.Select(r => r.Scenario).Distinct())
        {
            var pg = results.Rate(Pg, scenario);
            var lite = results.Rate(Lite, scenario);
            var mt = results.Rate(Mt, scenario);
            var events = main.First(r => r.Scenario == scenario).Events;
            md.AppendLine(Inv, $"| {scenario} | {events:N0} | {F(pg)} | {F(lite)} | {F(mt)} | {X(pg, mt)} | {X(lite, mt)} | {X(lite, pg)} |");
        }

        var rebuilds = main.Where(r => r.Kind == Kind.Rebuild).ToList();
        if (rebuilds.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(Inv, $"Rebuild wall time: {string.Join("; ", rebuilds.Select(r => string.Create(Inv, $"{r.Store} {r.Elapsed.TotalSeconds:0.00} s ({r.Note})")))}.");
        }

        if (results.Loads.Count > 0)
        {
            md.AppendLine();
            md.AppendLine(Inv, $"Aggregate load, one stream of {s.AggregateEvents:N0} events (`AggregateRepository<T>.LoadAsync`, appended in batches of 10 with `SnapshotOptions.Every = {s.SnapshotEvery}`), median of {s.Loads} loads after 3 warm-ups:");
            md.AppendLine();
            md.AppendLine("| Store | Load | Median ms | Min ms | Events folded |");
            md.AppendLine("|---|---|--:|--:|--:|");
            foreach (var load in results.Loads)
            {
                md.AppendLine(Inv, $"| {load.Store} | {load.Mode} | {load.MedianMs:0.00} | {load.MinMs:0.00} | {load.EventsFolded:N0} |");
            }

            md.AppendLine();
            foreach (var store in new[] { Pg, Lite })
            {
                var without = results.Loads.FirstOrDefault(l => l.Store == store && l.Mode == Scenarios.NoSnapshots);
                var with = results.Loads.FirstOrDefault(l => l.Store == store && l.Mode != Scenarios.NoSnapshots);
                if (without is not null && with is not null)
                {
                    md.AppendLine(Inv, $"- {store}: snapshots make the load {without.MedianMs / with.MedianMs:0.0}× faster ({without.MedianMs:0.00} → {with.MedianMs:0.00} ms).");
                }
            }
        }

        var breakdown = results.Rows.Where(r => r.Store.EndsWith("]", StringComparison.Ordinal)).ToList();
        if (breakdown.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Rebuild breakdown (`--rebuild-breakdown`; each line replays the whole feed):");
            md.AppendLine();
            md.AppendLine("| Store | Stage | Events | s | events/s |");
            md.AppendLine("|---|---|--:|--:|--:|");
            foreach (var r in breakdown)
            {
                md.AppendLine(Inv, $"| {r.Store.Replace(" [breakdown]", "", StringComparison.Ordinal)} | {r.Scenario} | {r.Events:N0} | {r.Elapsed.TotalSeconds:0.00} | {r.Rate:N0} |");
            }
        }

        md.AppendLine();
        var appends = main.Where(r => r.Kind == Kind.Append).Select(r => r.Scenario).Distinct().ToList();
        if (marten)
        {
            foreach (var store in new[] { Pg, Lite })
            {
                var ratios = appends.Select(a => (a, r: results.Rate(store, a) / results.Rate(Mt, a))).Where(v => v.r is not null).ToList();
                if (ratios.Count > 0)
                {
                    md.AppendLine(Inv, $"Target: {store} ≥ 1.5× Marten's append rate — {string.Join("; ", ratios.Select(v => string.Create(Inv, $"{v.a}: {v.r:0.00}×")))}: {Verdict(ratios.All(v => v.r >= 1.5))} ({ratios.Count(v => v.r >= 1.5)} of {ratios.Count} scenarios).");
                }
            }

            foreach (var store in new[] { Pg, Lite })
            {
                var ratio = results.Rate(store, Scenarios.Rebuild) / results.Rate(Mt, Scenarios.Rebuild);
                if (ratio is { } r)
                {
                    md.AppendLine(Inv, $"Target: {store} ≥ 2× Marten's rebuild rate — {r:0.00}×: {Verdict(r >= 2)}.");
                }
            }
        }

        foreach (var r in rebuilds.Where(r => r.Store != Mt))
        {
            md.AppendLine(r.Events >= 1_000_000
                ? string.Create(Inv, $"Target: 1M-event rebuild < 10 s — {r.Store}: {r.Events:N0} events in {r.Elapsed.TotalSeconds:0.00} s: {Verdict(r.Elapsed.TotalSeconds < 10)}.")
                : string.Create(Inv, $"Target: 1M-event rebuild < 10 s — {r.Store}: not measured in this run ({r.Events:N0} events in {r.Elapsed.TotalSeconds:0.00} s; run with `--full`)."));
        }

        // The seed row only tops the feed up (it repeats the N-writer scenario on a bigger table): shown, not judged.
        var perScenario = main.Where(r => r.Kind != Kind.Seed).Select(r => r.Scenario).Distinct()
            .Select(sc => (sc, r: results.Rate(Lite, sc) / results.Rate(Pg, sc)))
            .Where(v => v.r is not null)
            .Select(v => (v.sc, r: v.r!.Value))
            .ToList();
        foreach (var mode in results.Loads.Where(l => l.Store == Pg).Select(l => l.Mode))
        {
            var pg = results.Loads.First(l => l.Store == Pg && l.Mode == mode);
            var lite = results.Loads.FirstOrDefault(l => l.Store == Lite && l.Mode == mode);
            if (lite is not null)
            {
                perScenario.Add(($"aggregate load, {mode}", pg.MedianMs / lite.MedianMs));
            }
        }

        if (perScenario.Count > 0)
        {
            var slower = perScenario.Where(v => v.r < 1).ToList();
            md.AppendLine(Inv, $"Target: SQLite at least as fast as PostgreSQL (per scenario, SQLite/PG speed) — {string.Join("; ", perScenario.Select(v => string.Create(Inv, $"{v.sc}: {v.r:0.00}×")))}: {Verdict(slower.Count == 0)}{(slower.Count == 0 ? "" : string.Create(Inv, $" ({perScenario.Count - slower.Count} of {perScenario.Count}; slower: {string.Join(", ", slower.Select(v => v.sc))})"))} — PostgreSQL here has fsync=off, which flatters it.");
        }

        foreach (var n in results.Notes)
        {
            md.AppendLine();
            md.AppendLine("Note: " + n);
        }

        return md.ToString();
    }

    private const string Usage = """
        usage: Herald.Benchmarks eventstore [options]

        Herald's event store (PostgreSQL, SQLite) and Marten 9.58.0 on the same PostgreSQL database, one run:
        appends (1 stream and 1000 streams, batches of 1 and 100, sequential and N writers), paged read-all,
        projection rebuild (per-stream OrderSummary) and aggregate load with and without snapshots.

          --full                  read and rebuild 1,000,000 events (each store tops its feed up with its own appends)
          --read-events N         top the feed up to N events before read-all and rebuild (default: no top-up)
          --streams N             streams of the many-stream scenarios (1000)
          --events-per-stream N   batch of the many-stream batched scenarios (100)
          --writers N             concurrent writers (4)
          --one-stream-singles N  events of the 1-stream batch-1 scenario (2000)
          --one-stream-batched N  events of the 1-stream batch-100 scenario (20000)
          --many-streams-rounds N rounds of 1-event appends over the streams (5)
          --loads N               aggregate loads per mode (21); --aggregate-events N (1000); --snapshot-every N (100)
          --rebuild-batch N       ProjectionRebuilder batch size (5000)
          --rebuild-breakdown     also time read / deserialize / fold / other batch sizes / a delta-upsert projection
          --random-event-ids      Herald event ids as random v4 GUIDs (default: v7, as EventTypeMap makes them)
          --probe-appends         only probe append costs (one growing stream, new vs existing streams, plans) and exit
          --stores pg,sqlite,marten  which stores to run (all); --no-marten; --marten-first
        """;

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Argument(string[] args, string name, int fallback) =>
        Option(args, name) is { } value && int.TryParse(value, Inv, out var parsed) ? parsed : fallback;
}
