using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Benchmarks.E2e;
using Herald.Registry;
using Herald.Registry.Formats;
using Herald.Benchmarks.Seeding;

namespace Herald.Benchmarks.ConsolePages;

/// <summary>Fills a broker through the real Kafka client and its registry through its own API, for the console's pages and history.</summary>
public static class ConsoleSeeder
{
    /// <summary>Creates and fills the topics, commits every group, registers the subjects; returns how long each step took.</summary>
    public static async Task<string> SeedAsync(string bootstrap, SchemaRegistry registry, ConsoleBenchOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var topics = Enumerable.Range(0, options.Topics)
                .Select(t => new TopicSpecification { Name = ConsoleBenchOptions.TopicName(t), NumPartitions = 1, ReplicationFactor = 1 })
                .Append(new TopicSpecification { Name = ConsoleBenchOptions.WideTopic, NumPartitions = options.Partitions, ReplicationFactor = 1 });
            await admin.CreateTopicsAsync(topics, new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(300), RequestTimeout = TimeSpan.FromSeconds(300) })
                .ConfigureAwait(false);
        }

        var created = clock.Elapsed;
        var partitions = Enumerable.Range(0, options.Topics).Select(t => new TopicPartition(ConsoleBenchOptions.TopicName(t), 0))
            .Concat(Enumerable.Range(0, options.Partitions).Select(p => new TopicPartition(ConsoleBenchOptions.WideTopic, p)))
            .ToList();
        await Task.Run(() => PartitionFiller.Fill(bootstrap, partitions, options.RecordsPerPartition, cancellationToken), cancellationToken).ConfigureAwait(false);
        var produced = clock.Elapsed;
        await Task.Run(() => Commit(bootstrap, options, cancellationToken), cancellationToken).ConfigureAwait(false);
        var committed = clock.Elapsed;
        Register(registry, options);
        var registered = clock.Elapsed;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"topics {created.TotalSeconds:0.0} s, produce {(produced - created).TotalSeconds:0.0} s, commits {(committed - produced).TotalSeconds:0.0} s, subjects {(registered - committed).TotalSeconds:0.0} s");
    }

    private static void Commit(string bootstrap, ConsoleBenchOptions options, CancellationToken cancellationToken)
    {
        long offset = options.RecordsPerPartition - options.Lag;
        var offsets = Enumerable.Range(0, options.Partitions).Select(p => new TopicPartitionOffset(ConsoleBenchOptions.WideTopic, p, offset)).ToList();
        for (int g = 0; g < options.Groups; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A consumer that never subscribes commits as a "simple" group: committed offsets, no members (as LagSeeder).
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = ConsoleBenchOptions.GroupName(g),
                EnableAutoCommit = false,
            }).Build();
            consumer.Commit(offsets);
        }
    }

    private static void Register(SchemaRegistry registry, ConsoleBenchOptions options)
    {
        for (int i = 0; i < options.Subjects; i++)
        {
            registry.Register(ConsoleBenchOptions.SubjectName(i), Avro(i % 20));
        }

        for (int v = 0; v < options.Versions; v++)
        {
            registry.Register(ConsoleBenchOptions.LongSubject, Avro(v));
        }
    }

    /// <summary>A record with an id and <paramref name="optionalFields"/> optional fields: each one more is a backward-compatible version.</summary>
    private static SchemaRequest Avro(int optionalFields)
    {
        var fields = new StringBuilder("""{"name":"id","type":"string"}""");
        for (int f = 0; f < optionalFields; f++)
        {
            fields.Append(CultureInfo.InvariantCulture, $$""",{"name":"field{{f}}","type":["null","string"],"default":null}""");
        }

        return new SchemaRequest($$"""{"type":"record","name":"Event","namespace":"herald.bench","fields":[{{fields}}]}""", SchemaType.Avro, []);
    }
}
