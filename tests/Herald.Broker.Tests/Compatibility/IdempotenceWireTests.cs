using Herald.Testing;
using Herald.Broker.Tests.Infrastructure;
using Herald.Protocol;
using Herald.Protocol.Messages;
using Herald.Protocol.Records;
using KafkaError = Herald.Protocol.ErrorCode;

namespace Herald.Broker.Tests.Compatibility;

/// <summary>What a retrying idempotent producer sees on the wire: duplicates answered with their first offset, gaps refused.</summary>
public sealed class IdempotenceWireTests
{
    private static async Task<ProduceResponse.PartitionProduceResponse> ProduceAsync(string bootstrap, string topic, byte[] batch, int correlationId)
    {
        var frame = RawFrames.Request(new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 5000,
            TopicData = [new ProduceRequest.TopicProduceData
            {
                Name = topic,
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = batch }],
            }],
        }, 9, correlationId);
        var reader = new KafkaReader(await RawFrames.RequestAsync(bootstrap, frame));
        Assert.Equal(correlationId, reader.ReadInt32());
        reader.ReadUVarint();
        var response = new ProduceResponse();
        response.Read(ref reader, 9);
        return response.Responses.Single().PartitionResponses.Single();
    }

    private static async Task<InitProducerIdResponse> InitProducerIdAsync(string bootstrap)
    {
        var reader = new KafkaReader(await RawFrames.RequestAsync(bootstrap, RawFrames.Request(new InitProducerIdRequest { TransactionalId = null, TransactionTimeoutMs = -1, ProducerId = -1, ProducerEpoch = -1 }, 4)));
        reader.ReadInt32();
        reader.ReadUVarint();
        var response = new InitProducerIdResponse();
        response.Read(ref reader, 4);
        return response;
    }

    private static byte[] Batch(long producerId, short epoch, int sequence, int records)
    {
        var builder = new RecordBatchBuilder { ProducerId = producerId, ProducerEpoch = epoch, BaseSequence = sequence };
        for (int i = 0; i < records; i++)
        {
            builder.Add($"seq-{sequence + i}", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }

        return builder.Build();
    }

    [Fact]
    public async Task A_retried_batch_gets_its_original_offset_and_a_gap_is_out_of_order()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("idem-wire");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 1);
        var producer = await InitProducerIdAsync(server.KafkaBootstrap);
        Assert.Equal((short)KafkaError.None, producer.ErrorCode);
        Assert.True(producer.ProducerId >= 0);

        var first = await ProduceAsync(server.KafkaBootstrap, topic, Batch(producer.ProducerId, producer.ProducerEpoch, 0, 5), 1);
        var second = await ProduceAsync(server.KafkaBootstrap, topic, Batch(producer.ProducerId, producer.ProducerEpoch, 5, 5), 2);
        var retry = await ProduceAsync(server.KafkaBootstrap, topic, Batch(producer.ProducerId, producer.ProducerEpoch, 5, 5), 3);
        Assert.Equal(0, first.BaseOffset);
        Assert.Equal(5, second.BaseOffset);
        Assert.Equal((short)KafkaError.None, retry.ErrorCode);
        Assert.Equal(5, retry.BaseOffset);
        Assert.Equal(10, server.Broker.Topics.FindPartition(topic, 0)!.LogEndOffset);

        var gap = await ProduceAsync(server.KafkaBootstrap, topic, Batch(producer.ProducerId, producer.ProducerEpoch, 42, 1), 4);
        Assert.Equal((short)KafkaError.OutOfOrderSequenceNumber, gap.ErrorCode);
        Assert.Equal(10, server.Broker.Topics.FindPartition(topic, 0)!.LogEndOffset);

        // A second InitProducerId gives a different producer whose sequences start again at 0.
        var other = await InitProducerIdAsync(server.KafkaBootstrap);
        Assert.NotEqual(producer.ProducerId, other.ProducerId);
        var fromOther = await ProduceAsync(server.KafkaBootstrap, topic, Batch(other.ProducerId, other.ProducerEpoch, 0, 1), 5);
        Assert.Equal(10, fromOther.BaseOffset);
    }
}
