using System.Globalization;
using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks.Outbox;

/// <summary>The options of <c>outbox</c>: relay throughput, commit-to-consumer latency and saga throughput.</summary>
public sealed record OutboxBenchOptions
{
    /// <summary>Events of the backlog drain (committed first, then drained by a relay started afterwards).</summary>
    public int Events { get; init; } = 100_000;

    /// <summary>Rows per transaction of the backlog drain and of the steady-state writers.</summary>
    public int TransactionRows { get; init; } = 100;

    /// <summary>Events of the backlog drain written one per transaction.</summary>
    public int SingleRowEvents { get; init; } = 20_000;

    /// <summary>Events of the steady-state run (writers and relay at the same time).</summary>
    public int SteadyEvents { get; init; } = 100_000;

    /// <summary>Concurrent writers of the steady-state run, each on its own connection.</summary>
    public int Writers { get; init; } = 4;

    /// <summary>Distinct partition keys.</summary>
    public int Keys { get; init; } = 1000;

    /// <summary>Size of each event's JSON payload in bytes.</summary>
    public int PayloadBytes { get; init; } = 200;

    /// <summary>Partitions of every topic the rig creates for the relay and the direct publish.</summary>
    public int Partitions { get; init; } = 4;

    /// <summary>Rounds of direct publish and backlog drain (alternating); the table shows the median round of each.</summary>
    public int Rounds { get; init; } = 3;

    /// <summary>Events published directly and relayed, untimed, before each database's throughput rows.</summary>
    public int WarmupEvents { get; init; } = 20_000;

    /// <summary>Publishes in flight at once in the direct-publish baseline.</summary>
    public int PublishWindow { get; init; } = 10_000;

    /// <summary>The relay's <c>BatchSize</c>; null keeps the relay's default.</summary>
    public int? RelayBatch { get; init; }

    /// <summary>Batch sizes of the relay-round breakdown; empty: no breakdown.</summary>
    public IReadOnlyList<int> BreakdownBatches { get; init; } = [];

    /// <summary>Events per second of the latency run.</summary>
    public int Rate { get; init; } = 1000;

    /// <summary>Measured seconds of the latency run (one more second of warm-up comes first).</summary>
    public int Seconds { get; init; } = 10;

    /// <summary>How long each latency transaction stays open after its enqueue before it commits (an application's further work).</summary>
    public int HoldMilliseconds { get; init; }

    /// <summary>Orders placed in the saga run (after the warm-up orders).</summary>
    public int Orders { get; init; } = 2000;

    /// <summary>Orders placed and completed before the measured ones (JIT, pools, the first fetches).</summary>
    public int SagaWarmup { get; init; } = 50;

    /// <summary>Concurrent HTTP clients placing orders.</summary>
    public int Clients { get; init; } = 16;

    /// <summary>Orders per second of the measured orders; null places them as fast as the order service answers.</summary>
    public int? OrderRate { get; init; }

    /// <summary>The payment service keeps its data in PostgreSQL instead of SQLite.</summary>
    public bool PaymentsPostgres { get; init; }

    /// <summary>Databases the relay parts run on.</summary>
    public IReadOnlyList<BenchDatabaseKind> Databases { get; init; } = [BenchDatabaseKind.Sqlite, BenchDatabaseKind.PostgreSql];

    /// <summary>Run the relay throughput part.</summary>
    public bool RunThroughput { get; init; } = true;

    /// <summary>Run the latency part.</summary>
    public bool RunLatency { get; init; } = true;

    /// <summary>Run the saga part.</summary>
    public bool RunSagas { get; init; } = true;

    /// <summary>Server settings for a private PostgreSQL cluster instead of the shared one (diagnostics, e.g. <c>log_autovacuum_min_duration=0</c>).</summary>
    public IReadOnlyList<string> PostgresSettings { get; init; } = [];

    /// <summary>How the broker runs.</summary>
    public HeraldMode Herald { get; init; } = HeraldMode.Process;

    /// <summary>Skip <c>dotnet build src/Herald.Cli -c Release</c>.</summary>
    public bool NoBuild { get; init; }

    /// <summary>Markdown file the results are written to, if any.</summary>
    public string? Out { get; init; }

    /// <summary>The option summary printed by <c>outbox --help</c>.</summary>
    public const string Usage = """
        usage: Herald.Benchmarks outbox [options]

        Everything in one run against one broker: the relay parts on each database, then the saga part.

        Relay throughput (commit to broker acknowledgement), per database, plus the SDK's direct publish:
          --events N              backlog drain: events committed first, then drained (default 100000)
          --tx-rows N             rows per transaction of the drain and the steady state (default 100)
          --single-row-events N   backlog drain of events committed one per transaction (default 20000)
          --steady-events N       steady state: writers and relay at once (default 100000)
          --writers N             concurrent writers of the steady state (default 4)
          --keys N                distinct partition keys (default 1000)
          --payload BYTES         JSON payload size (default 200)
          --partitions N          partitions of each topic (default 4)
          --rounds N              rounds of direct publish and backlog drain, alternating; the median is shown (default 3)
          --warmup-events N       untimed direct publish and relay drain before each database (default 20000)
          --publish-window N      EventPublisher.PublishAsync calls in flight in the baseline (default 10000)
          --relay-batch N         the relay's BatchSize (default: the relay's own default)
          --breakdown LIST        also time the relay's round phase by phase (read, produce, acknowledgements,
                                  complete) at these batch sizes, e.g. 500,2000 (default: no breakdown)

        Commit -> consumer latency, per database:
          --rate N                events per second, one per transaction (default 1000)
          --seconds N             measured seconds, after one second of warm-up (default 10)
          --hold-ms MS            each transaction stays open MS ms after its enqueue before it commits, as an
                                  application that does more work after it enqueued (default 0)

        Saga throughput (the Orders sample: three `herald drill service` processes):
          --orders N              orders placed and measured (default 2000)
          --saga-warmup N         orders placed and completed first, not measured (default 50)
          --clients N             concurrent HTTP clients placing orders (default 16)
          --order-rate N          place the measured orders at N per second instead of as fast as accepted
                                  (the latency of a saga without a queue in front of it)
          --payments-postgres     the payment service on PostgreSQL instead of SQLite

        Selection and set-up:
          --databases LIST        sqlite, postgres or both (default sqlite,postgres)
          --only LIST             any of throughput, latency, sagas (default: all three)
          --pg-setting NAME=VALUE a server setting for a private PostgreSQL cluster started for this run instead of
                                  the shared one; repeatable (e.g. log_autovacuum_min_duration=0: the latency part then
                                  prints the server's log lines about autovacuum and lock waits of its run)
          --herald-process        the broker as `herald serve` built in Release (default)
          --herald-in-process     the broker inside the rig's process
          --no-build              do not build src/Herald.Cli in Release first
          --out FILE              also write the Markdown results to FILE
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static OutboxBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new OutboxBenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number()
            {
                var name = args[i];
                return Positive(Value(), name);
            }

            options = args[i] switch
            {
                "--events" => options with { Events = Number() },
                "--tx-rows" => options with { TransactionRows = Number() },
                "--single-row-events" => options with { SingleRowEvents = Number() },
                "--steady-events" => options with { SteadyEvents = Number() },
                "--writers" => options with { Writers = Number() },
                "--keys" => options with { Keys = Number() },
                "--payload" => options with { PayloadBytes = Number() },
                "--partitions" => options with { Partitions = Number() },
                "--rounds" => options with { Rounds = Number() },
                "--warmup-events" => options with { WarmupEvents = Number() },
                "--publish-window" => options with { PublishWindow = Number() },
                "--relay-batch" => options with { RelayBatch = Number() },
                "--breakdown" => options with { BreakdownBatches = [.. Value().Split(',').Select(b => Positive(b.Trim(), "--breakdown"))] },
                "--rate" => options with { Rate = Number() },
                "--seconds" => options with { Seconds = Number() },
                "--hold-ms" => options with { HoldMilliseconds = Number() },
                "--orders" => options with { Orders = Number() },
                "--saga-warmup" => options with { SagaWarmup = Number() },
                "--clients" => options with { Clients = Number() },
                "--order-rate" => options with { OrderRate = Number() },
                "--payments-postgres" => options with { PaymentsPostgres = true },
                "--databases" => options with { Databases = ParseDatabases(Value()) },
                "--only" => Only(options, Value()),
                "--pg-setting" => options with { PostgresSettings = [.. options.PostgresSettings, Value()] },
                "--herald-process" => options with { Herald = HeraldMode.Process },
                "--herald-in-process" => options with { Herald = HeraldMode.InProcess },
                "--no-build" => options with { NoBuild = true },
                "--out" => options with { Out = Value() },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }

        if (options.PayloadBytes < 100)
        {
            throw new ArgumentException($"--payload {options.PayloadBytes}: the event's own fields take about 60 bytes; give at least 100");
        }

        return options;
    }

    private static OutboxBenchOptions Only(OutboxBenchOptions options, string list)
    {
        var parts = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var part in parts)
        {
            if (part is not ("throughput" or "latency" or "sagas"))
            {
                throw new ArgumentException($"--only: unknown part '{part}' (throughput, latency, sagas)");
            }
        }

        return parts.Length == 0
            ? throw new ArgumentException("--only needs at least one of throughput, latency, sagas")
            : options with { RunThroughput = parts.Contains("throughput"), RunLatency = parts.Contains("latency"), RunSagas = parts.Contains("sagas") };
    }

    private static BenchDatabaseKind[] ParseDatabases(string list)
    {
        var kinds = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(name => name switch
        {
            "sqlite" => BenchDatabaseKind.Sqlite,
            "postgres" or "postgresql" => BenchDatabaseKind.PostgreSql,
            _ => throw new ArgumentException($"--databases: unknown database '{name}' (sqlite, postgres)"),
        }).Distinct().ToArray();
        return kinds.Length == 0 ? throw new ArgumentException("--databases needs sqlite, postgres or both") : kinds;
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} '{text}': expected a positive integer");
}
