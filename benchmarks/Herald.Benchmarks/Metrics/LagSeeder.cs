using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Benchmarks.E2e;
using Herald.Benchmarks.Seeding;

namespace Herald.Benchmarks.Metrics;

/// <summary>
/// Gives a broker the scrape's worst ordinary shape through the real Kafka client: many partitions with records, and
/// many groups whose committed offsets sit behind the end of every partition they own, so each of those
/// (group, partition) pairs needs a lag in seconds.
/// </summary>
public static class LagSeeder
{
    /// <summary>The name of the i-th seeded topic.</summary>
    public static string TopicName(int index) => "lag-" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>The name of the g-th seeded group.</summary>
    public static string GroupName(int index) => "lagging-" + index.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>Creates the topics, fills every partition, and commits every group <see cref="MetricsOptions.Lag"/> records behind the end.</summary>
    /// <returns>How long each step took.</returns>
    public static async Task<string> SeedAsync(string bootstrap, MetricsOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            var topics = Enumerable.Range(0, options.Topics)
                .Select(t => new TopicSpecification { Name = TopicName(t), NumPartitions = options.PartitionsPerTopic, ReplicationFactor = 1 });
            await admin.CreateTopicsAsync(topics, new CreateTopicsOptions { OperationTimeout = TimeSpan.FromSeconds(120), RequestTimeout = TimeSpan.FromSeconds(120) })
                .ConfigureAwait(false);
        }

        var created = clock.Elapsed;
        await Task.Run(() => Produce(bootstrap, options, cancellationToken), cancellationToken).ConfigureAwait(false);
        var produced = clock.Elapsed;
        await Task.Run(() => Commit(bootstrap, options, cancellationToken), cancellationToken).ConfigureAwait(false);
        var committed = clock.Elapsed;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"topics {created.TotalSeconds:0.0} s, produce {(produced - created).TotalSeconds:0.0} s, commits {(committed - produced).TotalSeconds:0.0} s");
    }

    private static void Produce(string bootstrap, MetricsOptions options, CancellationToken cancellationToken)
    {
        var partitions = new List<TopicPartition>(options.Topics * options.PartitionsPerTopic);
        for (int t = 0; t < options.Topics; t++)
        {
            for (int p = 0; p < options.PartitionsPerTopic; p++)
            {
                partitions.Add(new TopicPartition(TopicName(t), p));
            }
        }

        PartitionFiller.Fill(bootstrap, partitions, options.RecordsPerPartition, cancellationToken);
    }

    private static void Commit(string bootstrap, MetricsOptions options, CancellationToken cancellationToken)
    {
        long offset = options.RecordsPerPartition - options.Lag;
        for (int g = 0; g < options.Groups; g++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A consumer that never subscribes commits as a "simple" group (generation -1), which the coordinator
            // accepts while the group has no members; the group then has committed offsets and no members.
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
            {
                BootstrapServers = bootstrap,
                GroupId = GroupName(g),
                EnableAutoCommit = false,
            }).Build();
            var topic = TopicName(g % options.Topics);
            consumer.Commit(Enumerable.Range(0, options.PartitionsPerTopic).Select(p => new TopicPartitionOffset(topic, p, offset)));
        }
    }
}
