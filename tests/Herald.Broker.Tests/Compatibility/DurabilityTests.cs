using Herald.Testing;
using Confluent.Kafka;
using Herald.Broker.Tests.Infrastructure;

namespace Herald.Broker.Tests.Compatibility;

public sealed class DurabilityTests
{
    private static async Task ProduceAsync(string bootstrap, string topic, int from, int count)
    {
        using var producer = Clients.Producer(bootstrap);
        for (int i = from; i < from + count; i++)
        {
            producer.Produce(topic, new Message<string?, string> { Key = "k", Value = i.ToString() });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Records_and_committed_offsets_survive_a_restart()
    {
        var data = TestBroker.NewDataDirectory();
        var topic = TestBroker.UniqueName("restart");
        var group = TestBroker.UniqueName("g");
        await using (var server = await TestBroker.StartAsync(data))
        {
            await ProduceAsync(server.KafkaBootstrap, topic, 0, 30);
            using var consumer = Clients.Consumer(server.KafkaBootstrap, group, c => c.EnableAutoCommit = false);
            consumer.Subscribe(topic);
            var consumed = Clients.ConsumeExactly(consumer, 10);
            consumer.Commit(consumed[^1]);
            consumer.Close();
        }

        await using (var restarted = await TestBroker.StartAsync(data))
        {
            using var consumer = Clients.Consumer(restarted.KafkaBootstrap, group, c => c.EnableAutoCommit = false);
            consumer.Subscribe(topic);
            var rest = Clients.ConsumeExactly(consumer, 20);
            Assert.Equal(Enumerable.Range(10, 20).Select(i => i.ToString()), rest.Select(r => r.Message.Value));
            consumer.Close();

            // The restarted broker keeps appending after the recovered end.
            await ProduceAsync(restarted.KafkaBootstrap, topic, 30, 1);
            Assert.Equal(31, restarted.Broker.Topics.FindPartition(topic, 0)!.LogEndOffset);
        }
    }

    [Fact]
    public async Task A_torn_segment_tail_is_truncated_on_start_and_complete_batches_are_kept()
    {
        var data = TestBroker.NewDataDirectory();
        var topic = TestBroker.UniqueName("torn");
        string segment;
        long sizeBefore;
        await using (var server = await TestBroker.StartAsync(data))
        {
            await ProduceAsync(server.KafkaBootstrap, topic, 0, 10);
            await ProduceAsync(server.KafkaBootstrap, topic, 10, 10);
            var log = server.Broker.Topics.FindPartition(topic, 0)!;
            segment = Directory.GetFiles(log.Directory, "*.log").Single();
            sizeBefore = log.SizeInBytes;
        }

        // Simulate a crash in the middle of a write: half a batch header of garbage at the end.
        await using (var file = new FileStream(segment, FileMode.Append))
        {
            file.Write([0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 200, 0, 0, 0, 0, 2, 9, 9, 9, 9]);
        }

        await using var recovered = await TestBroker.StartAsync(data);
        var recoveredLog = recovered.Broker.Topics.FindPartition(topic, 0)!;
        Assert.Equal(20, recoveredLog.LogEndOffset);
        Assert.Equal(sizeBefore, new FileInfo(segment).Length);

        await ProduceAsync(recovered.KafkaBootstrap, topic, 20, 5);
        using var consumer = Clients.Consumer(recovered.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(topic);
        var values = Clients.ConsumeExactly(consumer, 25).Select(r => r.Message.Value);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => i.ToString()), values);
    }

    [Fact]
    public async Task Retention_by_size_deletes_old_segments_and_moves_the_low_watermark()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("retention");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 1, new()
        {
            ["segment.bytes"] = "4096",
            ["retention.bytes"] = "8192",
        });
        using (var producer = Clients.Producer(server.KafkaBootstrap, c => c.LingerMs = 0))
        {
            for (int i = 0; i < 200; i++)
            {
                // One small batch per record (waiting for each) so segments roll often.
                await producer.ProduceAsync(topic, new Message<string?, string> { Key = "k", Value = new string('x', 200) });
            }
        }

        var log = server.Broker.Topics.FindPartition(topic, 0)!;
        var segmentsBefore = Directory.GetFiles(log.Directory, "*.log").Length;
        Assert.True(segmentsBefore > 3, $"expected several segments, found {segmentsBefore}");

        int deleted = server.Broker.Topics.ApplyRetention(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.True(deleted > 0);
        Assert.True(Directory.GetFiles(log.Directory, "*.log").Length < segmentsBefore);
        Assert.True(log.SizeInBytes <= 8192 + 4096 + 1024, $"partition still holds {log.SizeInBytes} bytes");

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10));
        Assert.True(watermarks.Low.Value > 0);
        Assert.Equal(200, watermarks.High.Value);

        // A consumer starting from the beginning starts at the new low watermark.
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var first = Clients.ConsumeExactly(consumer, 1).Single();
        Assert.Equal(watermarks.Low.Value, first.Offset.Value);
    }
}
