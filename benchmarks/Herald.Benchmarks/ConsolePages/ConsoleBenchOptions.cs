using System.Globalization;

namespace Herald.Benchmarks.ConsolePages;

/// <summary>The options of <c>console</c>: the broker it fills, the history it samples and the pages it times.</summary>
public sealed record ConsoleBenchOptions
{
    /// <summary>Single-partition topics (what the topics page lists).</summary>
    public int Topics { get; init; } = 1_000;

    /// <summary>Partitions of the one wide topic every group commits on (what a group page lists).</summary>
    public int Partitions { get; init; } = 1_000;

    /// <summary>Consumer groups, each committed on every partition of the wide topic.</summary>
    public int Groups { get; init; } = 100;

    /// <summary>Records produced to every partition of every topic before the groups commit.</summary>
    public int RecordsPerPartition { get; init; } = 10;

    /// <summary>How far behind the end each group commits, in records.</summary>
    public int Lag { get; init; } = 5;

    /// <summary>Registry subjects of one version each (what the schemas page lists).</summary>
    public int Subjects { get; init; } = 1_000;

    /// <summary>Versions of the one long subject whose page is timed (its transitive verdicts check every version).</summary>
    public int Versions { get; init; } = 100;

    /// <summary><c>ConsoleHistory.Sample()</c> calls: 360 is an hour at the default 10 s, the default history length.</summary>
    public int Samples { get; init; } = 360;

    /// <summary>Timed sequential requests per page.</summary>
    public int Requests { get; init; } = 200;

    /// <summary>Untimed requests per page first (JIT, connection).</summary>
    public int Warmup { get; init; } = 30;

    /// <summary>The pages to time; null: the default list.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    /// <summary>Markdown file the results are written to, if any.</summary>
    public string? Out { get; init; }

    /// <summary>The wide topic every group commits on.</summary>
    public const string WideTopic = "console-wide";

    /// <summary>The subject with <see cref="Versions"/> versions.</summary>
    public const string LongSubject = "console-long-value";

    /// <summary>The i-th single-partition topic.</summary>
    public static string TopicName(int index) => "console-topic-" + index.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>The g-th group.</summary>
    public static string GroupName(int index) => "console-group-" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>The i-th one-version subject.</summary>
    public static string SubjectName(int index) => "console-subject-" + index.ToString("D4", CultureInfo.InvariantCulture) + "-value";

    /// <summary>The pages timed by default; those another branch builds answer 404 until it is merged and are reported as missing.</summary>
    public IReadOnlyList<string> PagesToTime() => Paths ??
    [
        "/",
        "/topics",
        "/groups/" + GroupName(0),
        "/schemas",
        "/schemas/" + LongSubject,
    ];

    /// <summary>The option summary printed by <c>console --help</c>.</summary>
    public const string Usage = """
        usage: Herald.Benchmarks console [options]

        Herald in-process with T single-partition topics, one topic of P partitions, G groups each committed L records
        behind on all P partitions, S one-version subjects and one subject of V versions. Then:
          1. N × ConsoleHistory.Sample() on the server's own history (360 = one hour at 10 s): ring bytes, managed heap
             growth, time per sample;
          2. each page: sequential GETs over loopback after a warm-up, p50/p95/p99 as the client sees them.
          --topics T                  single-partition topics (default 1000)
          --partitions P              partitions of the wide topic (default 1000)
          --groups G                  groups committed on every partition of the wide topic (default 100)
          --records-per-partition R   records produced to every partition (default 10)
          --lag L                     records each group is behind on each partition (default 5)
          --subjects S                one-version registry subjects (default 1000)
          --versions V                versions of the long subject console-long-value (default 100)
          --samples N                 ConsoleHistory.Sample() calls (default 360)
          --requests N                timed requests per page (default 200)
          --warmup N                  untimed requests per page first (default 30)
          --paths /a,/b               pages to time (default /,/topics,/groups/console-group-000,/schemas,/schemas/console-long-value)
          --out FILE                  also write the Markdown results to FILE
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for the user.</summary>
    public static ConsoleBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ConsoleBenchOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number()
            {
                var name = args[i];
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0
                    ? value
                    : throw new ArgumentException($"{name} '{text}': expected a positive integer");
            }

            options = args[i] switch
            {
                "--topics" => options with { Topics = Number() },
                "--partitions" => options with { Partitions = Number() },
                "--groups" => options with { Groups = Number() },
                "--records-per-partition" => options with { RecordsPerPartition = Number() },
                "--lag" => options with { Lag = Number() },
                "--subjects" => options with { Subjects = Number() },
                "--versions" => options with { Versions = Number() },
                "--samples" => options with { Samples = Number() },
                "--requests" => options with { Requests = Number() },
                "--warmup" => options with { Warmup = Number() },
                "--paths" => options with { Paths = ParsePaths(Value()) },
                "--out" => options with { Out = Value() },
                var other => throw new ArgumentException($"unknown option '{other}'"),
            };
        }

        return options.Lag > options.RecordsPerPartition
            ? throw new ArgumentException($"--lag {options.Lag} is more than --records-per-partition {options.RecordsPerPartition}")
            : options;
    }

    private static string[] ParsePaths(string text)
    {
        var paths = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return paths.Length > 0 && paths.All(p => p.StartsWith('/'))
            ? paths
            : throw new ArgumentException($"--paths '{text}': expected a comma-separated list of paths starting with /");
    }
}
