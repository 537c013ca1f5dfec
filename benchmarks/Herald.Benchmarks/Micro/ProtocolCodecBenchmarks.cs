using BenchmarkDotNet.Attributes;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Benchmarks.Micro;

/// <summary>
/// Encoding and decoding the two messages that carry data — ProduceRequest v9 and FetchResponse v12 — each with
/// 1 MiB of v2 record batches, through Herald.Protocol's generated message classes, <see cref="KafkaWriter"/>
/// (a reused, pooled buffer) and <see cref="KafkaReader"/> (records are sliced, not copied).
/// </summary>
[MemoryDiagnoser]
public class ProtocolCodecBenchmarks
{
    private const short ProduceVersion = 9;
    private const short FetchVersion = 12;

    private ProduceRequest _produce = null!;
    private FetchResponse _fetch = null!;
    private ReadOnlyMemory<byte> _produceBytes;
    private ReadOnlyMemory<byte> _fetchBytes;
    private KafkaWriter _writer = null!;

    /// <summary>Bytes of record batches in each message.</summary>
    [Params(1024 * 1024)]
    public int RecordBytes { get; set; }

    /// <summary>Builds the messages and their encodings once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var records = new ReadOnlyMemory<byte>(RecordBatches.Build(RecordBytes));
        _produce = new ProduceRequest
        {
            Acks = -1,
            TimeoutMs = 30_000,
            TopicData = [new ProduceRequest.TopicProduceData { Name = "bench", PartitionData = [new() { Index = 0, Records = records }] }],
        };
        _fetch = new FetchResponse
        {
            SessionId = 0,
            Responses =
            [
                new FetchResponse.FetchableTopicResponse
                {
                    Topic = "bench",
                    Partitions = [new() { PartitionIndex = 0, HighWatermark = 10_000, LastStableOffset = 10_000, LogStartOffset = 0, Records = records }],
                },
            ],
        };
        _writer = new KafkaWriter(2 * RecordBytes);
        _produceBytes = Encode(_produce, ProduceVersion);
        _fetchBytes = Encode(_fetch, FetchVersion);
    }

    /// <summary>Returns the writer's buffer to the pool.</summary>
    [GlobalCleanup]
    public void Cleanup() => _writer.Dispose();

    /// <summary>ProduceRequest v9 → bytes (what a client encoder does).</summary>
    [Benchmark]
    public int EncodeProduceRequestV9()
    {
        _writer.Reset();
        _produce.Write(_writer, ProduceVersion);
        return _writer.Length;
    }

    /// <summary>bytes → ProduceRequest v9 (what the broker does per produce request).</summary>
    [Benchmark]
    public ProduceRequest DecodeProduceRequestV9()
    {
        var reader = new KafkaReader(_produceBytes);
        var request = new ProduceRequest();
        request.Read(ref reader, ProduceVersion);
        return request;
    }

    /// <summary>FetchResponse v12 → bytes (what the broker does per fetch).</summary>
    [Benchmark]
    public int EncodeFetchResponseV12()
    {
        _writer.Reset();
        _fetch.Write(_writer, FetchVersion);
        return _writer.Length;
    }

    /// <summary>bytes → FetchResponse v12 (what a client decoder does).</summary>
    [Benchmark]
    public FetchResponse DecodeFetchResponseV12()
    {
        var reader = new KafkaReader(_fetchBytes);
        var response = new FetchResponse();
        response.Read(ref reader, FetchVersion);
        return response;
    }

    private static ReadOnlyMemory<byte> Encode(IKafkaMessage message, short version)
    {
        using var writer = new KafkaWriter(2 * 1024 * 1024);
        message.Write(writer, version);
        return writer.WrittenSpan.ToArray();
    }
}
