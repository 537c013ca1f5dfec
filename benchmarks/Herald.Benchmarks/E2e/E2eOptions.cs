using System.Globalization;

namespace Herald.Benchmarks.E2e;

/// <summary>Which peer broker the e2e run compares Herald with.</summary>
public enum PeerKind
{
    /// <summary>NATS JetStream (nats-server -js, file storage).</summary>
    Nats,

    /// <summary>Herald alone.</summary>
    None,
}

/// <summary>How the e2e run starts Herald.</summary>
public enum HeraldMode
{
    /// <summary>A separate <c>herald serve</c> process built in Release; its peak RSS is measured.</summary>
    Process,

    /// <summary>Inside the rig's own process; no separate broker memory figure.</summary>
    InProcess,

    /// <summary>Herald is not run (peer only).</summary>
    Skip,
}

/// <summary>The options of <c>e2e</c>.</summary>
public sealed record E2eOptions
{
    /// <summary>Records produced and consumed per throughput row.</summary>
    public int Records { get; init; } = 1_000_000;

    /// <summary>Record value sizes in bytes; one set of rows per size.</summary>
    public IReadOnlyList<int> Sizes { get; init; } = [100];

    /// <summary>Messages per second of the latency run.</summary>
    public int LatencyRate { get; init; } = 10_000;

    /// <summary>Length of the latency run in seconds.</summary>
    public int LatencySeconds { get; init; } = 10;

    /// <summary>Partition counts of the Herald throughput rows.</summary>
    public IReadOnlyList<int> Partitions { get; init; } = [1, 4];

    /// <summary>The peer broker.</summary>
    public PeerKind Peer { get; init; } = PeerKind.Nats;

    /// <summary>How Herald is run.</summary>
    public HeraldMode Herald { get; init; } = HeraldMode.Process;

    /// <summary>Skip <c>dotnet build src/Herald.Cli -c Release</c> (use the existing build).</summary>
    public bool NoBuild { get; init; }

    /// <summary>The nats-server executable.</summary>
    public string NatsServer { get; init; } = "nats-server";

    /// <summary>librdkafka settings added to Herald's producers (<c>--kafka-producer key=value</c>); none by default.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> KafkaProducer { get; init; } = [];

    /// <summary>librdkafka settings added to Herald's consumers (<c>--kafka-consumer key=value</c>); none by default.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> KafkaConsumer { get; init; } = [];

    /// <summary>Markdown file the results table is written to, if any.</summary>
    public string? Out { get; init; }

    /// <summary>The option summary printed by <c>e2e --help</c>.</summary>
    public const string Usage = """
        usage: Herald.Benchmarks e2e [options]

          --records N             records per throughput run (default 1000000)
          --size S[,S...]         value size(s) in bytes, e.g. 100,1024 (default 100)
          --partitions P[,P...]   Herald topic partition counts (default 1,4)
          --latency-rate R        messages/s of the latency run (default 10000)
          --latency-seconds T     length of the latency run (default 10)
          --peer nats|none        compare with NATS JetStream, or run Herald alone (default nats)
          --herald-process        run Herald as `herald serve` built in Release (default)
          --herald-in-process     run Herald inside the rig (no broker RSS figure)
          --no-herald             skip Herald (peer only)
          --no-build              do not build src/Herald.Cli first
          --nats-server PATH      nats-server executable (default nats-server on PATH)
          --kafka-producer K=V    add a librdkafka setting to Herald's producers (repeatable)
          --kafka-consumer K=V    add a librdkafka setting to Herald's consumers (repeatable)
          --out FILE              also write the Markdown results to FILE
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static E2eOptions Parse(IReadOnlyList<string> args)
    {
        var options = new E2eOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--records" => options with { Records = Positive(Value(), "--records") },
                "--size" => options with { Sizes = List(Value(), "--size") },
                "--partitions" => options with { Partitions = List(Value(), "--partitions") },
                "--latency-rate" => options with { LatencyRate = Positive(Value(), "--latency-rate") },
                "--latency-seconds" => options with { LatencySeconds = Positive(Value(), "--latency-seconds") },
                "--peer" => options with { Peer = Value() switch
                {
                    "nats" => PeerKind.Nats,
                    "none" => PeerKind.None,
                    var other => throw new ArgumentException($"--peer '{other}': expected nats or none"),
                } },
                "--herald-process" => options with { Herald = HeraldMode.Process },
                "--herald-in-process" => options with { Herald = HeraldMode.InProcess },
                "--no-herald" => options with { Herald = HeraldMode.Skip },
                "--no-build" => options with { NoBuild = true },
                "--nats-server" => options with { NatsServer = Value() },
                "--kafka-producer" => options with { KafkaProducer = [.. options.KafkaProducer, Setting(Value(), "--kafka-producer")] },
                "--kafka-consumer" => options with { KafkaConsumer = [.. options.KafkaConsumer, Setting(Value(), "--kafka-consumer")] },
                "--out" => options with { Out = Value() },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }

        return options;
    }

    private static int Positive(string text, string name) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
            ? value
            : throw new ArgumentException($"{name} '{text}': expected a positive integer");

    private static KeyValuePair<string, string> Setting(string text, string name)
    {
        int equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? new KeyValuePair<string, string>(text[..equals].Trim(), text[(equals + 1)..].Trim())
            : throw new ArgumentException($"{name} '{text}': expected key=value, e.g. fetch.queue.backoff.ms=10");
    }

    private static int[] List(string text, string name) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => Positive(s, name)).ToArray();
}
