using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Herald.EventStore;
using Herald.EventStore.PostgreSql;
using Herald.EventStore.Sqlite;
using Herald.Testing;
using JasperFx;
using Marten;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Benchmarks.EventStore;

/// <summary>
/// Herald's event store (PostgreSQL and SQLite) against Marten on the same PostgreSQL database, in one run:
/// append 1000 streams × 100 events (one stream per call, new-stream check on), sequential and with 4 concurrent
/// writers; then read the whole feed in pages of 10,000 and deserialize every payload.
/// </summary>
public static class EventStoreCommand
{
    private const int PageSize = 10_000;
    private const int Writers = 4;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The event both stores append: ~200 B of JSON.</summary>
    public sealed record OrderItemAdded(Guid OrderId, string Sku, int Qty, decimal Price, string Note);

    private sealed record Row(string Store, string Scenario, int Events, TimeSpan Elapsed, string? Note = null)
    {
        public double Rate => Events / Elapsed.TotalSeconds;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int streams = Argument(args, "--streams", 1000);
        int perStream = Argument(args, "--events-per-stream", 100);
        bool marten = !args.Contains("--no-marten");
        bool martenFirst = args.Contains("--marten-first");
        var note = NoteFor200Bytes();
        var scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "herald-es-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        var rows = new List<Row>();
        try
        {
            // PostgreSQL: one fresh database on the private cluster, shared by Herald (public schema) and Marten (marten_bench).
            var cluster = await PostgresCluster.Shared;
            var cs = await cluster.CreateDatabaseAsync("bench_eventstore");
            if (marten && martenFirst)
            {
                await RunMartenAsync(cs, streams, perStream, note, rows);
            }

            // SQLite: a temp file.
            var sqlitePath = Path.Combine(scratch, "events.db");
            var sqlite = new SqliteEventStore($"Data Source={sqlitePath}");
            await RunHeraldAsync("Herald SQLite", sqlite, streams, perStream, note, rows, async () =>
            {
                await using var connection = new SqliteConnection($"Data Source={sqlitePath}");
                await connection.OpenAsync();
                await using var analyze = connection.CreateCommand();
                analyze.CommandText = "ANALYZE";
                await analyze.ExecuteNonQueryAsync();
            });

            string pgVersion;
            await using (var dataSource = NpgsqlDataSource.Create(cs))
            {
                await using var version = dataSource.CreateCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')");
                pgVersion = (string)(await version.ExecuteScalarAsync())!;
            }

            await using (var postgres = new PostgreSqlEventStore(cs))
            {
                await RunHeraldAsync("Herald PostgreSQL", postgres, streams, perStream, note, rows, () => ExecuteAsync(cs, "ANALYZE events; ANALYZE streams;"));
            }

            if (marten && !martenFirst)
            {
                await RunMartenAsync(cs, streams, perStream, note, rows);
            }

            Console.WriteLine(Report(streams, perStream, note, pgVersion, marten, rows));
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task RunHeraldAsync(string name, IEventStore store, int streams, int perStream, string note, List<Row> rows, Func<Task> analyze)
    {
        await store.EnsureCreatedAsync();
        // Warm-up outside the timings: one stream of 2 events, one read.
        await store.AppendAsync("warmup", ExpectedVersion.NoStream, [Herald(note, 0), Herald(note, 1)]);
        await foreach (var _ in store.ReadAllAsync(0, 1))
        {
        }

        async Task AppendStream(string prefix, int s)
        {
            var events = new EventData[perStream];
            for (int i = 0; i < perStream; i++)
            {
                events[i] = Herald(note, i);
            }

            await store.AppendAsync($"{prefix}-{s}", ExpectedVersion.NoStream, events);
        }

        var watch = Stopwatch.StartNew();
        for (int s = 0; s < streams; s++)
        {
            await AppendStream("seq", s);
        }

        rows.Add(Log(new Row(name, "append, sequential", streams * perStream, watch.Elapsed)));

        int next = -1;
        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (int s; (s = Interlocked.Increment(ref next)) < streams;)
            {
                await AppendStream("conc", s);
            }
        })));
        rows.Add(Log(new Row(name, $"append, {Writers} writers", streams * perStream, watch.Elapsed)));

        await analyze();
        watch.Restart();
        long last = 0;
        int read = 0;
        long qty = 0;
        while (true)
        {
            int page = 0;
            await foreach (var e in store.ReadAllAsync(last, PageSize))
            {
                qty += JsonSerializer.Deserialize<OrderItemAdded>(e.Data.Span, Json)!.Qty;
                last = e.GlobalPosition;
                page++;
            }

            read += page;
            if (page < PageSize)
            {
                break;
            }
        }

        rows.Add(Log(new Row(name, $"read-all, pages of {PageSize:N0}", read, watch.Elapsed)));
        GC.KeepAlive(qty);
    }

    private static async Task RunMartenAsync(string cs, int streams, int perStream, string note, List<Row> rows)
    {
        const string name = "Marten";
        using var store = DocumentStore.For(o =>
        {
            o.Connection(cs);
            o.DatabaseSchemaName = "marten_bench";
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.Events.AddEventType<OrderItemAdded>();
        });

        // Warm-up outside the timings: schema creation, code generation, one stream of 2 events, one query.
        await using (var session = store.LightweightSession())
        {
            session.Events.StartStream(Guid.NewGuid(), Event(note, 0), Event(note, 1));
            await session.SaveChangesAsync();
        }

        await using (var session = store.QuerySession())
        {
            _ = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > 0).OrderBy(e => e.Sequence).Take(1).ToListAsync();
        }

        async Task AppendStream()
        {
            var events = new object[perStream];
            for (int i = 0; i < perStream; i++)
            {
                events[i] = Event(note, i);
            }

            await using var session = store.LightweightSession();
            session.Events.StartStream(Guid.NewGuid(), events);
            await session.SaveChangesAsync();
        }

        var watch = Stopwatch.StartNew();
        for (int s = 0; s < streams; s++)
        {
            await AppendStream();
        }

        rows.Add(Log(new Row(name, "append, sequential", streams * perStream, watch.Elapsed)));

        int next = -1;
        watch.Restart();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < streams)
            {
                await AppendStream();
            }
        })));
        rows.Add(Log(new Row(name, $"append, {Writers} writers", streams * perStream, watch.Elapsed)));

        await ExecuteAsync(cs, "ANALYZE marten_bench.mt_events; ANALYZE marten_bench.mt_streams;");
        watch.Restart();
        long last = 0;
        int read = 0;
        long qty = 0;
        await using (var session = store.QuerySession())
        {
            while (true)
            {
                var page = await session.Events.QueryAllRawEvents().Where(e => e.Sequence > last).OrderBy(e => e.Sequence).Take(PageSize).ToListAsync();
                foreach (var e in page)
                {
                    qty += ((OrderItemAdded)e.Data).Qty;
                    last = e.Sequence;
                }

                read += page.Count;
                if (page.Count < PageSize)
                {
                    break;
                }
            }
        }

        rows.Add(Log(new Row(name, $"read-all, pages of {PageSize:N0}", read, watch.Elapsed)));
        GC.KeepAlive(qty);
    }

    private static OrderItemAdded Event(string note, int i) =>
        new(Guid.NewGuid(), $"SKU-{i % 1000:D5}", 1 + (i % 9), 10.25m + (i % 100), note);

    private static EventData Herald(string note, int i) =>
        new(Guid.NewGuid(), nameof(OrderItemAdded), 1, JsonSerializer.SerializeToUtf8Bytes(Event(note, i), Json));

    /// <summary>A note that makes the serialized event 200 bytes (web JSON defaults).</summary>
    private static string NoteFor200Bytes()
    {
        var bare = JsonSerializer.SerializeToUtf8Bytes(Event(string.Empty, 0), Json).Length;
        return new string('x', Math.Max(0, 200 - bare));
    }

    private static async Task ExecuteAsync(string cs, string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(cs);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static Row Log(Row row)
    {
        Console.Error.WriteLine(string.Create(Inv, $"{row.Store}, {row.Scenario}: {row.Events:N0} events in {row.Elapsed.TotalSeconds:0.00} s = {row.Rate:N0}/s"));
        return row;
    }

    private static string Report(int streams, int perStream, string note, string pgVersion, bool marten, List<Row> rows)
    {
        double? Rate(string store, string scenario) => rows.FirstOrDefault(r => r.Store == store && r.Scenario == scenario)?.Rate;
        var scenarios = rows.Select(r => r.Scenario).Distinct().ToList();
        var size = JsonSerializer.SerializeToUtf8Bytes(Event(note, 0), Json).Length;
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, .NET {Environment.Version}, Marten {typeof(DocumentStore).Assembly.GetName().Version}, Npgsql {typeof(NpgsqlConnection).Assembly.GetName().Version}.");
        md.AppendLine(Inv, $"PostgreSQL {pgVersion}: the private test cluster (`PostgresCluster`) runs with **fsync=off**, so commits cost no disk flush; Herald and Marten share one fresh database in the same run. SQLite: a temp file, the store's defaults.");
        md.AppendLine(Inv, $"Workload: {streams:N0} streams × {perStream} events of {size} B JSON (`{nameof(OrderItemAdded)}`), one stream per append call (Herald `ExpectedVersion.NoStream`, Marten `StartStream` + `SaveChangesAsync`), sequential then {Writers} concurrent writers on new streams; then read-all of every event from position 0 in pages of {PageSize:N0}, each payload deserialized. `ANALYZE` on both stores' tables before reading. One run each, warm-up outside the timings.");
        md.AppendLine();
        md.AppendLine("| Scenario | Herald PostgreSQL events/s | Herald SQLite events/s | Marten events/s | Herald PG / Marten | Herald SQLite / Marten | SQLite / PG |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        static string F(double? v) => v is { } x ? x.ToString("N0", Inv) : "–";
        static string X(double? a, double? b) => a is { } x && b is { } y ? (x / y).ToString("0.00", Inv) + "×" : "–";
        foreach (var scenario in scenarios)
        {
            var pg = Rate("Herald PostgreSQL", scenario);
            var lite = Rate("Herald SQLite", scenario);
            var mt = Rate("Marten", scenario);
            md.AppendLine(Inv, $"| {scenario} | {F(pg)} | {F(lite)} | {F(mt)} | {X(pg, mt)} | {X(lite, mt)} | {X(lite, pg)} |");
        }

        md.AppendLine("| rebuild | – | – | – | – | – | – |");
        md.AppendLine();
        md.AppendLine("Rebuild: not measured: projections not implemented.");
        md.AppendLine();
        var appends = scenarios.Where(s => s.StartsWith("append", StringComparison.Ordinal)).ToList();
        if (marten)
        {
            var verdicts = appends.Select(s => (s, r: Rate("Herald PostgreSQL", s) / Rate("Marten", s))).ToList();
            var met = verdicts.All(v => v.r >= 1.5);
            md.AppendLine(Inv, $"Target: Herald ≥ 1.5× Marten's append rate (PostgreSQL, same database) — {string.Join("; ", verdicts.Select(v => string.Create(Inv, $"{v.s}: {v.r:0.00}×")))}: **{(met ? "met" : "not met")}**.");
        }

        var liteWins = scenarios.Select(s => (s, r: Rate("Herald SQLite", s) / Rate("Herald PostgreSQL", s))).ToList();
        md.AppendLine(Inv, $"Target: SQLite at least as fast as PostgreSQL — {string.Join("; ", liteWins.Select(v => string.Create(Inv, $"{v.s}: {v.r:0.00}×")))}: **{(liteWins.All(v => v.r >= 1) ? "met" : "not met")}** (PostgreSQL here has fsync=off, which flatters it).");
        return md.ToString();
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Argument(string[] args, string name, int fallback) =>
        Option(args, name) is { } value && int.TryParse(value, Inv, out var parsed) ? parsed : fallback;
}
