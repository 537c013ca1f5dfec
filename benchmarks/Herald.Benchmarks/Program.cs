using BenchmarkDotNet.Running;
using Herald.Benchmarks.E2e;

namespace Herald.Benchmarks;

/// <summary>Entry point of the perf rig: <c>e2e</c> runs the end-to-end comparison, <c>consumer</c> the consumer host, <c>metrics</c> the <c>/metrics</c> scrape, <c>console</c> the web console, <c>outbox</c> the outbox relay and sagas, <c>micro</c> the BenchmarkDotNet suite.</summary>
public static class Program
{
    /// <summary>Dispatches to a subcommand.</summary>
    public static async Task<int> Main(string[] args)
    {
        var command = args.Length > 0 ? args[0] : "help";
        var rest = args.Skip(1).ToArray();
        switch (command)
        {
            case "e2e":
                return await E2eCommand.RunAsync(rest).ConfigureAwait(false);
            case "registry":
                return await Registry.RegistryCommand.RunAsync(rest).ConfigureAwait(false);
            case "consumer":
                return await Consumer.ConsumerCommand.RunAsync(rest).ConfigureAwait(false);
            case "eventstore":
                return await EventStore.EventStoreCommand.RunAsync(rest).ConfigureAwait(false);
            case "cdc":
                return await Cdc.CdcCommand.RunAsync(rest).ConfigureAwait(false);
            case "metrics":
                return await Metrics.MetricsCommand.RunAsync(rest).ConfigureAwait(false);
            case "console":
                return await ConsolePages.ConsoleCommand.RunAsync(rest).ConfigureAwait(false);
            case "outbox":
                return await Outbox.OutboxCommand.RunAsync(rest).ConfigureAwait(false);
            case "micro":
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(rest);
                return 0;
            case "help" or "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                Console.Error.WriteLine($"unknown command '{command}'");
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private const string Usage = """
        usage: Herald.Benchmarks <command> [options]

          e2e     Herald (Kafka protocol, Confluent.Kafka client) vs NATS JetStream, end to end:
                  produce/consume throughput, end-to-end latency at a fixed rate, broker peak RSS.
                  Run `e2e --help` for its options.
          registry  Schema registry: register/lookup latency p50/p99 and compatibility checks per
                  second for a subject with 100 versions at FULL_TRANSITIVE
                  (--versions N --lookups N --checks N).
          consumer  The SDK's consumer host (SQLite and PostgreSQL inbox) against a bare
                  Confluent.Kafka loop, same topic, same run; plus the inbox's database work
                  alone per phase (--events N --batch 100,500 --partitions 4 --no-postgres).
          eventstore  Herald's event store (PostgreSQL and SQLite) against Marten on the same PostgreSQL
                  database: appends (1 / 1000 streams, batches of 1 / 100), read-all, projection
                  rebuild, aggregate load with/without snapshots (--full = 1M events; `eventstore --help`).
          cdc     CDC capture from PostgreSQL: snapshot and streaming rows/s until the broker acknowledged
                  every record, commit-to-consumer latency p50/p99 at a fixed rate
                  (--rows 200000 --rate 1000 --seconds 10).
          metrics `/metrics` with 1,000 lagging partitions and 100 groups: scrape latency p50/p95/p99, reads
                  per scrape, and the e2e produce/consume throughput with a scrape every second vs none
                  (--topics 100 --partitions-per-topic 10 --groups 100 --scrapes 500; `metrics --help`).
          console The web console at scale: the history's memory after an hour of samples with 1,000 partitions
                  × 100 groups, and the server time of its pages (topics, a group of 1,000 partitions, schemas)
                  (--topics 1000 --partitions 1000 --groups 100 --samples 360 --paths /,/topics; `console --help`).
          outbox  The transactional outbox and sagas, one run: relay throughput (commit to broker acknowledgement) on
                  SQLite and PostgreSQL against EventPublisher's direct publish, commit-to-consumer latency p50/p99 at
                  1,000 events/s, saga steps/s through the Orders sample's three services as processes
                  (--events 100000 --rate 1000 --seconds 10 --orders 2000; `outbox --help`).
          micro   BenchmarkDotNet micro-benchmarks of the protocol codec; any BenchmarkDotNet
                  arguments follow, e.g. `micro --filter '*'`.
        """;
}
