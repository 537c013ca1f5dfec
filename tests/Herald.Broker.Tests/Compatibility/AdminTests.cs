using Herald.Testing;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Broker.Tests.Infrastructure;

namespace Herald.Broker.Tests.Compatibility;

public sealed class AdminTests
{
    [Fact]
    public async Task Metadata_names_this_broker_and_a_cluster_id()
    {
        var server = await TestBroker.Shared;
        using var admin = Clients.Admin(server.KafkaBootstrap);
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        var broker = Assert.Single(metadata.Brokers);
        Assert.Equal(server.KafkaBootstrap, $"{broker.Host}:{broker.Port}");

        var cluster = await admin.DescribeClusterAsync();
        Assert.False(string.IsNullOrEmpty(cluster.ClusterId));
        Assert.Equal(0, cluster.Controller.Id);
    }

    [Fact]
    public async Task Create_describe_alter_and_delete_a_topic()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("admin");
        using var admin = Clients.Admin(server.KafkaBootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = topic,
            NumPartitions = 3,
            ReplicationFactor = 1,
            Configs = new() { ["retention.ms"] = "60000" },
        }]);

        var described = await admin.DescribeTopicsAsync(TopicCollection.OfTopicNames([topic]));
        Assert.Equal(3, described.TopicDescriptions.Single().Partitions.Count);

        var configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        var entries = configs.Single().Entries;
        Assert.Equal("60000", entries["retention.ms"].Value);
        Assert.False(entries["retention.ms"].IsDefault);
        Assert.True(entries["segment.bytes"].IsDefault);

        var resource = new ConfigResource { Type = ResourceType.Topic, Name = topic };
        await admin.IncrementalAlterConfigsAsync(new Dictionary<ConfigResource, List<ConfigEntry>>
        {
            [resource] = [new ConfigEntry { Name = "retention.bytes", Value = "1048576", IncrementalOperation = AlterConfigOpType.Set }],
        });
        configs = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        Assert.Equal("1048576", configs.Single().Entries["retention.bytes"].Value);

        await admin.CreatePartitionsAsync([new PartitionsSpecification { Topic = topic, IncreaseTo = 5 }]);
        Assert.Equal(5, server.Broker.Topics.Find(topic)!.PartitionCount);

        var directory = server.Broker.Topics.Find(topic)!.Directory;
        await admin.DeleteTopicsAsync([topic]);
        Assert.Null(server.Broker.Topics.Find(topic));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Invalid_requests_get_the_kafka_error_codes()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("dupe");
        using var admin = Clients.Admin(server.KafkaBootstrap);
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1 }]);

        var exists = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 1 }]));
        Assert.Equal(ErrorCode.TopicAlreadyExists, exists.Results.Single().Error.Code);

        var badName = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification { Name = "no spaces allowed", NumPartitions = 1 }]));
        Assert.Equal(ErrorCode.TopicException, badName.Results.Single().Error.Code);

        var badConfig = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = TestBroker.UniqueName("cfg"),
            NumPartitions = 1,
            Configs = new() { ["retention.ms"] = "soon" },
        }]));
        Assert.Equal(ErrorCode.InvalidConfig, badConfig.Results.Single().Error.Code);

        var replicas = await Assert.ThrowsAsync<CreateTopicsException>(() => admin.CreateTopicsAsync([new TopicSpecification
        {
            Name = TestBroker.UniqueName("rf"),
            NumPartitions = 1,
            ReplicationFactor = 3,
        }]));
        Assert.Equal(ErrorCode.InvalidReplicationFactor, replicas.Results.Single().Error.Code);

        var missing = await Assert.ThrowsAsync<DeleteTopicsException>(() => admin.DeleteTopicsAsync([TestBroker.UniqueName("missing")]));
        Assert.Equal(ErrorCode.UnknownTopicOrPart, missing.Results.Single().Error.Code);
    }

    [Fact]
    public async Task Watermarks_and_offsets_for_times()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("offsets");
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);
        using (var producer = Clients.Producer(server.KafkaBootstrap))
        {
            for (int i = 0; i < 10; i++)
            {
                await producer.ProduceAsync(topic, new Message<string?, string>
                {
                    Key = "k",
                    Value = i.ToString(),
                    Timestamp = new Timestamp(start.AddMinutes(i)),
                });
            }
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(10, watermarks.High.Value);

        var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(topic, 0, new Timestamp(start.AddMinutes(6)))], TimeSpan.FromSeconds(10));
        Assert.Equal(6, found.Single().Offset.Value);
    }

    [Fact]
    public async Task Groups_are_listed_described_and_their_offsets_altered_and_deleted()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("groupadmin");
        var group = TestBroker.UniqueName("g");
        using (var producer = Clients.Producer(server.KafkaBootstrap))
        {
            await producer.ProduceAsync(topic, new Message<string?, string> { Key = "k", Value = "v" });
        }

        using (var consumer = Clients.Consumer(server.KafkaBootstrap, group, c => c.EnableAutoCommit = false))
        {
            consumer.Subscribe(topic);
            var record = Clients.ConsumeExactly(consumer, 1).Single();
            consumer.Commit(record);

            using var admin = Clients.Admin(server.KafkaBootstrap);
            var listed = await admin.ListConsumerGroupsAsync();
            Assert.Contains(listed.Valid, g => g.GroupId == group);
            var description = (await admin.DescribeConsumerGroupsAsync([group])).ConsumerGroupDescriptions.Single();
            Assert.Equal(ConsumerGroupState.Stable, description.State);
            Assert.Single(description.Members);
            consumer.Close();
        }

        using (var admin = Clients.Admin(server.KafkaBootstrap))
        {
            var offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [new TopicPartition(topic, 0)])]);
            Assert.Equal(1, offsets.Single().Partitions.Single().Offset.Value);

            await admin.AlterConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitionOffsets(group, [new TopicPartitionOffset(topic, 0, 0)])]);
            offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [new TopicPartition(topic, 0)])]);
            Assert.Equal(0, offsets.Single().Partitions.Single().Offset.Value);

            await admin.DeleteConsumerGroupOffsetsAsync(group, [new TopicPartition(topic, 0)]);
            offsets = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [new TopicPartition(topic, 0)])]);
            Assert.Equal(Offset.Unset, offsets.Single().Partitions.Single().Offset);

            await admin.DeleteGroupsAsync([group]);
            var listed = await admin.ListConsumerGroupsAsync();
            Assert.DoesNotContain(listed.Valid, g => g.GroupId == group);
        }
    }
}
