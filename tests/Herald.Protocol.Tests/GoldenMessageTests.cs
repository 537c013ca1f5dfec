using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Protocol.Tests;

/// <summary>Byte-exact encodings worked out by hand from the Kafka protocol guide, independent of the generator.</summary>
public sealed class GoldenMessageTests
{
    private static byte[] Encode(IKafkaMessage message, short version)
    {
        using var writer = new KafkaWriter();
        message.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Metadata_v12_request_is_flexible_with_topic_ids_and_tagged_fields()
    {
        var request = new MetadataRequest
        {
            Topics = [new MetadataRequest.MetadataRequestTopic { Name = "t" }],
            AllowAutoTopicCreation = true,
        };
        var expected = new List<byte> { 0x02 };             // compact array, 1 element
        expected.AddRange(new byte[16]);                    // topic id (zero uuid)
        expected.AddRange([0x02, (byte)'t', 0x00]);         // compact string "t", no tagged fields
        expected.AddRange([0x01, 0x00, 0x00]);              // allow auto-create, include topic ops, no tagged fields
        Assert.Equal(expected.ToArray(), Encode(request, 12));
    }

    [Fact]
    public void Metadata_v1_request_uses_classic_arrays_and_strings()
    {
        var request = new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = "t" }] };
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 1, (byte)'t' }, Encode(request, 1));
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, Encode(new MetadataRequest { Topics = null }, 1));
    }

    [Fact]
    public void Api_versions_v3_response_carries_compact_key_list()
    {
        var response = new ApiVersionsResponse
        {
            ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = 18, MinVersion = 0, MaxVersion = 3 }],
        };
        Assert.Equal(
            new byte[] { 0, 0, 0x02, 0, 18, 0, 0, 0, 3, 0x00, 0, 0, 0, 0, 0x00 },
            Encode(response, 3));
    }

    [Fact]
    public void Produce_v3_request_carries_records_as_int32_sized_bytes()
    {
        var request = new ProduceRequest
        {
            TransactionalId = null,
            Acks = -1,
            TimeoutMs = 1000,
            TopicData = [new ProduceRequest.TopicProduceData
            {
                Name = "t",
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = 2, Records = new byte[] { 9, 8 } }],
            }],
        };
        Assert.Equal(
            new byte[]
            {
                0xFF, 0xFF,             // transactional id: null
                0xFF, 0xFF,             // acks -1
                0, 0, 0x03, 0xE8,       // timeout 1000
                0, 0, 0, 1, 0, 1, (byte)'t',
                0, 0, 0, 1, 0, 0, 0, 2, // one partition, index 2
                0, 0, 0, 2, 9, 8,       // records
            },
            Encode(request, 3));
    }

    [Fact]
    public void Fetch_v12_response_omits_default_tagged_fields_and_writes_set_ones()
    {
        var response = new FetchResponse
        {
            Responses = [new FetchResponse.FetchableTopicResponse
            {
                Topic = "t",
                Partitions = [new FetchResponse.PartitionData
                {
                    PartitionIndex = 0,
                    HighWatermark = 5,
                    LastStableOffset = 5,
                    LogStartOffset = 0,
                    PreferredReadReplica = -1,
                    Records = ReadOnlyMemory<byte>.Empty,
                    CurrentLeader = new FetchResponse.LeaderIdAndEpoch { LeaderId = 0, LeaderEpoch = 0 },
                }],
            }],
        };
        var bytes = Encode(response, 12);
        var reader = new KafkaReader(bytes);
        var decoded = new FetchResponse();
        decoded.Read(ref reader, 12);
        Assert.Equal(0, reader.Remaining);
        var partition = decoded.Responses.Single().Partitions.Single();
        Assert.Equal(5, partition.HighWatermark);
        Assert.NotNull(partition.CurrentLeader);
        Assert.Null(partition.DivergingEpoch);
        Assert.Empty(partition.AbortedTransactions!);
        // The partition ends: preferred replica (-1), empty compact records (0x01), one tagged field: tag 1 of
        // 9 bytes (leader id 0, leader epoch 0, the struct's own empty tag buffer); then the topic's and the
        // response's empty tag buffers.
        Assert.Equal(
            new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0x01, 0x01, 0x09, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00 },
            bytes[^19..]);
    }
}
