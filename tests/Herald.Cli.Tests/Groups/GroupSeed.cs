using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Server;
using Herald.Testing;

namespace Herald.Cli.Tests.Groups;

/// <summary>Creates topics, groups with committed offsets, and live members with the real Confluent client.</summary>
internal sealed class GroupSeed(HeraldServer server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static async Task<GroupSeed> StartAsync() => new(await TestBroker.Shared);

    public string Bootstrap => server.KafkaBootstrap;

    public string Http => server.HttpAddress.ToString().TrimEnd('/');

    public static string UniqueTopic() => TestBroker.UniqueName("lag");

    public static string UniqueGroup() => TestBroker.UniqueName("billing");

    /// <summary>Runs <c>herald</c> with <paramref name="args"/> and the option that points it at this server (<c>--http</c> or <c>--bootstrap</c>).</summary>
    public Task<CliRun> HttpCommand(params string[] args) => CliRun.RunAsync([.. args, "--http", Http]);

    public Task<CliRun> KafkaCommand(params string[] args) => CliRun.RunAsync([.. args, "--bootstrap", Bootstrap]);

    public async Task CreateTopicAsync(string topic, int partitions = 1)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    /// <summary>Appends <paramref name="count"/> records to one partition of <paramref name="topic"/>.</summary>
    public async Task ProduceAsync(string topic, int count, int partition = 0)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = Bootstrap, Acks = Acks.All }).Build();
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<string, string> { Key = $"k-{i}", Value = $"v-{i}" });
        }
    }

    /// <summary>Commits offsets for <paramref name="group"/> without joining it (a "simple" commit, as kafka-consumer-groups does).</summary>
    public void Commit(string group, params TopicPartitionOffset[] offsets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = Bootstrap, GroupId = group, EnableAutoCommit = false }).Build();
        consumer.Commit(offsets);
    }

    /// <summary>The committed offsets of <paramref name="group"/> on <paramref name="topic"/>, read back with OffsetFetch; null where none.</summary>
    public async Task<long?[]> CommittedAsync(string group, string topic, int partitions = 1)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = Bootstrap }).Build();
        var result = await admin.ListConsumerGroupOffsetsAsync(
            [new ConsumerGroupTopicPartitions(group, Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList())]);
        return result.Single().Partitions.OrderBy(p => p.Partition.Value).Select(p => p.Offset.IsSpecial ? (long?)null : p.Offset.Value).ToArray();
    }

    /// <summary>A consumer subscribed to <paramref name="topic"/> in <paramref name="group"/>, returned once it has its assignment; dispose to leave.</summary>
    public Member Join(string group, string topic, string clientId)
    {
        var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = group,
            ClientId = clientId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Latest,
        }).Build();
        consumer.Subscribe(topic);
        var deadline = DateTime.UtcNow + Timeout;
        while (consumer.Assignment.Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{clientId} got no assignment in {group}");
            consumer.Consume(TimeSpan.FromMilliseconds(100));
        }

        return new Member(consumer);
    }

    /// <summary>A joined consumer; disposing it leaves the group.</summary>
    internal sealed class Member(IConsumer<Ignore, Ignore> consumer) : IDisposable
    {
        public void Dispose()
        {
            consumer.Close();
            consumer.Dispose();
        }
    }
}
