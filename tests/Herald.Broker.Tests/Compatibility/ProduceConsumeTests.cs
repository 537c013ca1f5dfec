using Herald.Testing;
using Confluent.Kafka;
using Herald.Broker.Tests.Infrastructure;

namespace Herald.Broker.Tests.Compatibility;

public sealed class ProduceConsumeTests
{
    [Fact]
    public async Task Keyed_records_keep_their_order_within_each_partition()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("keyed");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, partitions: 4);

        using (var producer = Clients.Producer(server.KafkaBootstrap))
        {
            for (int i = 0; i < 400; i++)
            {
                producer.Produce(topic, new Message<string?, string> { Key = $"user-{i % 10}", Value = i.ToString() });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(topic);
        var records = Clients.ConsumeExactly(consumer, 400);

        foreach (var byKey in records.GroupBy(r => r.Message.Key))
        {
            Assert.Single(byKey.Select(r => r.Partition.Value).Distinct());
            var values = byKey.Select(r => int.Parse(r.Message.Value)).ToList();
            Assert.Equal(values.Order().ToList(), values);
            Assert.Equal(40, values.Count);
        }

        Assert.True(records.Select(r => r.Partition.Value).Distinct().Count() > 1, "10 keys over 4 partitions should use more than one");
    }

    [Theory]
    [InlineData(Acks.None)]
    [InlineData(Acks.Leader)]
    [InlineData(Acks.All)]
    public async Task Every_acks_setting_delivers(Acks acks)
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName($"acks{(int)acks}");
        using (var producer = Clients.Producer(server.KafkaBootstrap, c =>
        {
            c.Acks = acks;
            c.EnableIdempotence = false;
        }))
        {
            for (int i = 0; i < 50; i++)
            {
                producer.Produce(topic, new Message<string?, string> { Key = null, Value = $"v{i}" });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(topic);
        var values = Clients.ConsumeExactly(consumer, 50).Select(r => r.Message.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"v{i}"), values);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Compressed_batches_are_stored_as_produced_and_read_back(CompressionType compression)
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName(compression.ToString().ToLowerInvariant());
        var value = string.Concat(Enumerable.Repeat("compressible text ", 50));
        using (var producer = Clients.Producer(server.KafkaBootstrap, c => c.CompressionType = compression))
        {
            for (int i = 0; i < 200; i++)
            {
                producer.Produce(topic, new Message<string?, string> { Key = $"k{i}", Value = value + i });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(topic);
        var records = Clients.ConsumeExactly(consumer, 200);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => value + i), records.Select(r => r.Message.Value));

        // Stored compressed: the partition is far smaller than the 200 x 900 bytes of values.
        var log = server.Broker.Topics.FindPartition(topic, 0)!;
        Assert.True(log.SizeInBytes < 200 * value.Length / 4, $"log is {log.SizeInBytes} bytes; expected compressed batches");
    }

    [Fact]
    public async Task Headers_null_keys_and_empty_values_round_trip()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("headers");
        using (var producer = Clients.Producer(server.KafkaBootstrap))
        {
            var headers = new Headers { { "event_type", "UserCreated"u8.ToArray() }, { "empty", [] } };
            await producer.ProduceAsync(topic, new Message<string?, string> { Key = null, Value = string.Empty, Headers = headers });
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(topic);
        var record = Clients.ConsumeExactly(consumer, 1).Single();
        Assert.Null(record.Message.Key);
        Assert.Equal(string.Empty, record.Message.Value);
        Assert.Equal("UserCreated"u8.ToArray(), record.Message.Headers.GetLastBytes("event_type"));
        Assert.Empty(record.Message.Headers.GetLastBytes("empty"));
    }

    [Fact]
    public async Task Assign_and_seek_read_from_the_requested_offset()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("seek");
        using (var producer = Clients.Producer(server.KafkaBootstrap, c => c.LingerMs = 50))
        {
            for (int i = 0; i < 100; i++)
            {
                producer.Produce(topic, new Message<string?, string> { Key = "k", Value = i.ToString() });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        // Offset 37 lies inside a batch: the broker returns the whole batch and the client skips what it did not ask for.
        consumer.Assign(new TopicPartitionOffset(topic, 0, 37));
        var first = Clients.ConsumeExactly(consumer, 5);
        Assert.Equal([37, 38, 39, 40, 41], first.Select(r => r.Offset.Value));
        Assert.Equal("37", first[0].Message.Value);

        consumer.Seek(new TopicPartitionOffset(topic, 0, 90));
        var afterSeek = Clients.ConsumeExactly(consumer, 10);
        Assert.Equal(Enumerable.Range(90, 10).Select(i => (long)i), afterSeek.Select(r => r.Offset.Value));
    }

    [Fact]
    public async Task A_waiting_consumer_receives_a_record_produced_later()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("longpoll");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 1);
        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"), c => c.AutoOffsetReset = AutoOffsetReset.Latest);
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.End));
        Assert.Null(consumer.Consume(TimeSpan.FromSeconds(1)));

        using var producer = Clients.Producer(server.KafkaBootstrap);
        await producer.ProduceAsync(topic, new Message<string?, string> { Key = "k", Value = "late" });
        Assert.Equal("late", Clients.ConsumeExactly(consumer, 1)[0].Message.Value);
    }

    [Fact]
    public async Task Idempotent_producer_writes_each_record_exactly_once()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("idempotent");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 3);
        using (var producer = Clients.Producer(server.KafkaBootstrap, c =>
        {
            c.EnableIdempotence = true;
            c.LingerMs = 1;
        }))
        {
            for (int i = 0; i < 3000; i++)
            {
                producer.Produce(topic, new Message<string?, string> { Key = $"k{i % 30}", Value = i.ToString() });
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(topic);
        var values = Clients.ConsumeExactly(consumer, 3000).Select(r => int.Parse(r.Message.Value)).ToList();
        Assert.Equal(3000, values.Distinct().Count());
        Assert.Null(consumer.Consume(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Producing_to_an_unknown_topic_auto_creates_it_with_the_default_partition_count()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("auto");
        using var producer = Clients.Producer(server.KafkaBootstrap);
        var delivery = await producer.ProduceAsync(topic, new Message<string?, string> { Key = "k", Value = "v" });
        Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        Assert.Equal(server.Options.DefaultPartitions, server.Broker.Topics.Find(topic)!.PartitionCount);
    }
}
