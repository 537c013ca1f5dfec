using System.Globalization;
using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks.Metrics;

/// <summary>The options of <c>metrics</c>: the lagging broker both parts set up, the scrape-latency loop and the throughput comparison.</summary>
public sealed record MetricsOptions
{
    /// <summary>Topics created for the lagging groups.</summary>
    public int Topics { get; init; } = 100;

    /// <summary>Partitions per topic (the scrape covers <see cref="Topics"/> × this many partitions).</summary>
    public int PartitionsPerTopic { get; init; } = 10;

    /// <summary>Consumer groups; group g commits on every partition of topic g mod <see cref="Topics"/>.</summary>
    public int Groups { get; init; } = 100;

    /// <summary>Records produced to every partition before the groups commit.</summary>
    public int RecordsPerPartition { get; init; } = 100;

    /// <summary>How far behind the end each group commits, in records (so every committed partition lags).</summary>
    public int Lag { get; init; } = 50;

    /// <summary>Timed sequential <c>GET /metrics</c> requests (and as many <c>/health</c> requests and lag computations).</summary>
    public int Scrapes { get; init; } = 500;

    /// <summary>Untimed requests of each kind first (JIT, connection, pools).</summary>
    public int Warmup { get; init; } = 200;

    /// <summary>Records of the throughput comparison's produce and consume runs.</summary>
    public int CostRecords { get; init; } = 1_000_000;

    /// <summary>Value size of the throughput comparison in bytes.</summary>
    public int CostSize { get; init; } = 100;

    /// <summary>Partitions of the throughput comparison's topic.</summary>
    public int CostPartitions { get; init; } = 4;

    /// <summary>Rounds per arm; the arms alternate (none, scrape, none, scrape, …), a fresh broker each.</summary>
    public int CostRounds { get; init; } = 2;

    /// <summary>Untimed scrapes of each round's fresh broker before the workload, in both arms (the render path tiers up after 30 calls).</summary>
    public int CostWarmupScrapes { get; init; } = 40;

    /// <summary>Interval of the background scraper in the scrape arm.</summary>
    public int ScrapeIntervalMs { get; init; } = 1000;

    /// <summary>Whether the throughput comparison's brokers also hold the lagging topics and groups (so every scrape is the big one).</summary>
    public bool CostSeed { get; init; } = true;

    /// <summary>Run the scrape-latency part.</summary>
    public bool RunLatency { get; init; } = true;

    /// <summary>Run the throughput comparison.</summary>
    public bool RunCost { get; init; } = true;

    /// <summary>How the throughput comparison runs Herald (the latency part is always in-process).</summary>
    public HeraldMode Herald { get; init; } = HeraldMode.Process;

    /// <summary>Skip <c>dotnet build src/Herald.Cli -c Release</c>.</summary>
    public bool NoBuild { get; init; }

    /// <summary>Markdown file the results are written to, if any.</summary>
    public string? Out { get; init; }

    /// <summary>Lagging (group, partition) pairs the set-up makes.</summary>
    public int LaggingPairs => Groups * PartitionsPerTopic;

    /// <summary>The option summary printed by <c>metrics --help</c>.</summary>
    public const string Usage = """
        usage: Herald.Benchmarks metrics [options]

        Set-up (both parts): T topics × P partitions, R records each, G groups each committed R−L on every
        partition of one topic (group g on topic g mod T), so G×P (group, partition) pairs lag.
          --topics T                  topics (default 100)
          --partitions-per-topic P    partitions per topic (default 10)
          --groups G                  consumer groups (default 100)
          --records-per-partition R   records produced to every partition (default 100)
          --lag L                     records each group is behind on each partition (default 50)

        Scrape latency (Herald in-process): sequential GET /metrics vs GET /health vs ConsumerLag.GetAll().
          --scrapes N                 timed requests of each kind (default 500)
          --warmup N                  untimed requests of each kind first (default 200)
          --latency-only              skip the throughput comparison

        Throughput cost: produce then consume, with and without a background GET /metrics, arms alternating.
          --cost-records N            records per produce/consume run (default 1000000)
          --cost-size S               value size in bytes (default 100)
          --cost-partitions P         partitions of the workload topic (default 4)
          --cost-rounds K             rounds per arm (default 2: none, scrape, none, scrape)
          --scrape-interval-ms MS     background scrape interval (default 1000)
          --cost-warmup-scrapes N     untimed scrapes of each fresh broker first, both arms (default 40)
          --cost-empty-broker         no lagging topics/groups on the comparison's brokers (a tiny scrape)
          --cost-only                 skip the scrape-latency part
          --herald-process            comparison against `herald serve` built in Release (default)
          --herald-in-process         comparison against Herald inside the rig
          --no-build                  do not build src/Herald.Cli first

          --out FILE                  also write the Markdown results to FILE
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static MetricsOptions Parse(IReadOnlyList<string> args)
    {
        var options = new MetricsOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number()
            {
                var name = args[i];
                return Positive(Value(), name);
            }

            options = args[i] switch
            {
                "--topics" => options with { Topics = Number() },
                "--partitions-per-topic" => options with { PartitionsPerTopic = Number() },
                "--groups" => options with { Groups = Number() },
                "--records-per-partition" => options with { RecordsPerPartition = Number() },
                "--lag" => options with { Lag = Number() },
                "--scrapes" => options with { Scrapes = Number() },
                "--warmup" => options with { Warmup = Number() },
                "--latency-only" => options with { RunCost = false },
                "--cost-records" => options with { CostRecords = Number() },
                "--cost-size" => options with { CostSize = Number() },
                "--cost-partitions" => options with { CostPartitions = Number() },
                "--cost-rounds" => options with { CostRounds = Number() },
                "--scrape-interval-ms" => options with { ScrapeIntervalMs = Number() },
                "--cost-warmup-scrapes" => options with { CostWarmupScrapes = Number() },
                "--cost-empty-broker" => options with { CostSeed = false },
                "--cost-only" => options with { RunLatency = false },
                "--herald-process" => options with { Herald = HeraldMode.Process },
                "--herald-in-process" => options with { Herald = HeraldMode.InProcess },
                "--no-build" => options with { NoBuild = true },
                "--out" => options with { Out = Value() },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }

        if (options.Lag > options.RecordsPerPartition)
        {
            throw new ArgumentException($"--lag {options.Lag} is more than --records-per-partition {options.RecordsPerPartition}");
        }

        if (!options.RunLatency && !options.RunCost)
        {
            throw new ArgumentException("--latency-only and --cost-only together leave nothing to run");
        }

        return options;
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"{name} '{text}': expected a positive integer");
}
