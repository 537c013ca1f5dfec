using Herald.Testing;
using Confluent.Kafka;
using Herald.Broker.Tests.Infrastructure;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Compatibility;

public sealed class MalformedFrameTests
{
    /// <summary>
    /// How long a malformed frame may take to end in a response or a closed connection. A working broker needs
    /// milliseconds; the bound only turns a hang (a connection the broker never answers nor closes) into a failure.
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static byte[] ValidMetadataRequest(string topic) =>
        RawFrames.Request(new MetadataRequest { Topics = [new MetadataRequest.MetadataRequestTopic { Name = topic }], AllowAutoTopicCreation = true }, 12);

    private static byte[] ValidProduceRequest(string topic, byte[] records) => RawFrames.Request(new ProduceRequest
    {
        Acks = -1,
        TimeoutMs = 1000,
        TopicData = [new ProduceRequest.TopicProduceData
        {
            Name = topic,
            PartitionData = [new ProduceRequest.PartitionProduceData { Index = 0, Records = records }],
        }],
    }, 9);

    [Fact]
    public async Task Random_truncated_and_mutated_frames_never_break_the_broker_for_others()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("fuzz");
        var random = new Random(20261126);
        var metadata = ValidMetadataRequest(topic);
        byte[][] seeds =
        [
            RawFrames.Request(new ApiVersionsRequest { ClientSoftwareName = "fuzz", ClientSoftwareVersion = "1" }, 3),
            metadata,
            ValidProduceRequest(topic, RandomBatchLikeBytes(random)),
        ];

        // Fetch and JoinGroup may legitimately hold a connection (a fetch waits up to its max wait, a join until the
        // rebalance ends), so random mutations of them could look like hangs: they are fuzzed by truncation only.
        byte[][] truncationOnly =
        [
            RawFrames.Request(new FetchRequest
            {
                MaxWaitMs = 10,
                Topics = [new FetchRequest.FetchTopic { Topic = topic, Partitions = [new FetchRequest.FetchPartition { Partition = 0, PartitionMaxBytes = 1024 }] }],
            }, 12),
            RawFrames.Request(new JoinGroupRequest { GroupId = "fuzz", ProtocolType = "consumer", SessionTimeoutMs = 10000, MemberId = string.Empty }, 5),
        ];

        for (int i = 0; i < 300; i++)
        {
            var (kind, frame) = (i % 6) switch
            {
                0 => ("random bytes", RandomBytes(random, random.Next(1, 200))),
                1 => ("truncated", Truncate(random, random.Next(2) == 0 ? seeds[random.Next(seeds.Length)] : truncationOnly[random.Next(truncationOnly.Length)])),
                2 => ("bad size", WithSize(random.Next(2) == 0 ? int.MaxValue : -5, RandomBytes(random, 20))),
                3 => ("unknown API key", UnknownApiKey(random)),
                _ => ("mutated", Mutate(random, seeds[random.Next(seeds.Length)])),
            };

            // A bad size or an unknown API key is known to be wrong as soon as it is read: the broker must close without
            // waiting for the client. Anything else may be the start of a longer frame, so the client half-closes.
            var decidable = kind is "bad size" or "unknown API key";
            var reply = await RawFrames.SendAsync(server.KafkaBootstrap, frame, Bound, halfClose: !decidable);
            var what = $"frame {i} ({kind}, {Convert.ToHexString(frame[..Math.Min(frame.Length, 48)])}): {reply}";
            Assert.True(reply.Closed, $"no response and no close within {Bound.TotalSeconds} s: {what}");
            Assert.True(reply.IsWholeFrames, $"a partial response: {what}");
            if (decidable)
            {
                Assert.True(reply.Response.Length == 0, $"answered instead of closing: {what}");
            }
        }

        // After all that, a normal client still works and the fuzzed topic holds no corrupt batch.
        var checkTopic = TestBroker.UniqueName("after-fuzz");
        using (var producer = Clients.Producer(server.KafkaBootstrap))
        {
            var delivery = await producer.ProduceAsync(checkTopic, new Message<string?, string> { Key = "k", Value = "still serving" });
            Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"));
        consumer.Subscribe(checkTopic);
        Assert.Equal("still serving", Clients.ConsumeExactly(consumer, 1).Single().Message.Value);

        if (server.Broker.Topics.FindPartition(topic, 0) is { } fuzzed)
        {
            Assert.Equal(0, fuzzed.LogEndOffset);
        }
    }

    [Fact]
    public async Task A_batch_with_a_bad_crc_is_refused_with_corrupt_message_and_not_stored()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("crc");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 1);
        var batch = RandomBatchLikeBytes(new Random(7));
        var reader = new KafkaReader(await RawFrames.RequestAsync(server.KafkaBootstrap, ValidProduceRequest(topic, batch)));
        Assert.Equal(1, reader.ReadInt32());
        reader.ReadUVarint();
        var response = new ProduceResponse();
        response.Read(ref reader, 9);
        var partition = response.Responses.Single().PartitionResponses.Single();
        Assert.Equal((short)Herald.Protocol.ErrorCode.CorruptMessage, partition.ErrorCode);
        Assert.Equal(0, server.Broker.Topics.FindPartition(topic, 0)!.LogEndOffset);
    }

    [Fact]
    public async Task An_unsupported_api_versions_version_is_answered_in_v0_with_the_supported_list()
    {
        var server = await TestBroker.Shared;
        var frame = RawFrames.Request(new ApiVersionsRequest(), 3);
        frame[7] = 99; // api_version low byte: ApiVersions v99
        var reader = new KafkaReader(await RawFrames.RequestAsync(server.KafkaBootstrap, frame));
        Assert.Equal(1, reader.ReadInt32());
        var response = new ApiVersionsResponse();
        response.Read(ref reader, 0);
        Assert.Equal((short)Herald.Protocol.ErrorCode.UnsupportedVersion, response.ErrorCode);
        Assert.Contains(response.ApiKeys, k => k.ApiKey == ProduceRequest.ApiKey && k.MaxVersion >= 9);
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A v2 batch whose header is consistent (one record, no producer id) but whose CRC is wrong.</summary>
    private static byte[] RandomBatchLikeBytes(Random random)
    {
        var batch = RandomBytes(random, 120);
        var span = batch.AsSpan();
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(span, 0);               // base offset
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[8..], batch.Length - 12); // batch length
        span[16] = 2;                                                                          // magic
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(span[21..], 0);             // attributes: no compression
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[23..], 0);             // last offset delta
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(span[43..], -1);            // producer id
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(span[51..], -1);            // producer epoch
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[53..], -1);            // base sequence
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(span[57..], 1);             // records count
        var crc = Herald.Protocol.Records.Crc32C.Compute(span[21..]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(span[17..], crc ^ 0xDEADBEEF); // a wrong CRC
        return batch;
    }

    private static byte[] Truncate(Random random, byte[] frame) => frame[..random.Next(1, frame.Length)];

    private static byte[] WithSize(int size, byte[] body)
    {
        var frame = new byte[4 + body.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(frame, size);
        body.CopyTo(frame, 4);
        return frame;
    }

    private static byte[] UnknownApiKey(Random random)
    {
        var frame = ValidMetadataRequest("x");
        System.Buffers.Binary.BinaryPrimitives.WriteInt16BigEndian(frame.AsSpan(4), (short)random.Next(100, short.MaxValue));
        return frame;
    }

    private static byte[] Mutate(Random random, byte[] frame)
    {
        var copy = (byte[])frame.Clone();
        int flips = random.Next(1, 6);
        for (int i = 0; i < flips; i++)
        {
            // Leave the size prefix alone half of the time so the body parser sees the damage.
            int at = random.Next(random.Next(2) == 0 ? 4 : 0, copy.Length);
            copy[at] = (byte)random.Next(256);
        }

        return copy;
    }
}
