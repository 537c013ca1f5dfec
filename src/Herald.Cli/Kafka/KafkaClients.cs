using System.Net.Sockets;
using Confluent.Kafka;

namespace Herald.Cli.Kafka;

/// <summary>Builds Confluent.Kafka clients for one bootstrap address with timeouts that fail in seconds, not never.</summary>
/// <remarks>librdkafka retries an unreachable broker forever and logs to the process's stderr by default;
/// the CLI probes the address first, bounds every request, and silences the client's own logging.</remarks>
internal sealed class KafkaClients(string bootstrap)
{
    /// <summary>The bound on any one broker request.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private const int TimeoutMs = 10_000;

    public string Bootstrap { get; } = bootstrap;

    /// <summary>Fails with <c>cannot reach broker at ...</c> unless some bootstrap address accepts a TCP connection.</summary>
    public async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        foreach (var endpoint in Endpoint.ParseList(Bootstrap, "--bootstrap"))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(RequestTimeout);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }
        }

        throw Unreachable();
    }

    public CliException Unreachable() => new($"cannot reach broker at {Bootstrap}");

    public IAdminClient CreateAdmin() =>
        new AdminClientBuilder(new AdminClientConfig
        {
            BootstrapServers = Bootstrap,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
        })
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler(static (_, _) => { })
        .Build();

    public IProducer<string?, string> CreateProducer(Acks acks) =>
        new ProducerBuilder<string?, string>(new ProducerConfig
        {
            BootstrapServers = Bootstrap,
            Acks = acks,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
            MessageTimeoutMs = 3 * TimeoutMs,
            // A topic the broker will not create fails in seconds instead of at the message timeout.
            TopicMetadataPropagationMaxMs = TimeoutMs / 2,
            EnableIdempotence = false,
        })
        .SetKeySerializer(NullableUtf8.Instance)
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler(static (_, _) => { })
        .Build();

    /// <param name="groupId">A consumer group to join; <see langword="null"/> for a throw-away id with no commits (assign mode).</param>
    /// <param name="fromBeginning">Where a group without committed offsets starts.</param>
    public IConsumer<string?, string> CreateConsumer(string? groupId, bool fromBeginning) =>
        new ConsumerBuilder<string?, string>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = groupId ?? $"herald-cli-{Guid.NewGuid():N}",
            EnableAutoCommit = groupId is not null,
            AutoOffsetReset = fromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
        })
        .SetKeyDeserializer(NullableUtf8.Instance)
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler(static (_, _) => { })
        .Build();

    /// <summary>Metadata of every topic; a request for all topics never auto-creates one.</summary>
    public Metadata GetMetadata(IAdminClient admin)
    {
        try
        {
            return admin.GetMetadata(RequestTimeout);
        }
        catch (KafkaException e)
        {
            throw Describe(e.Error, e);
        }
    }

    /// <summary>The metadata of <paramref name="topic"/>, or <c>topic 'x' does not exist</c>.</summary>
    public TopicMetadata GetTopic(IAdminClient admin, string topic) =>
        GetMetadata(admin).Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code != ErrorCode.UnknownTopicOrPart)
        ?? throw TopicDoesNotExist(topic);

    public static CliException TopicDoesNotExist(string topic) => new($"topic '{topic}' does not exist");

    /// <summary>Turns a client error into one line a person can act on.</summary>
    public CliException Describe(Error error, Exception? inner = null, string? topic = null) => error.Code switch
    {
        ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut
            or ErrorCode.Local_MsgTimedOut or ErrorCode.RequestTimedOut or ErrorCode.NetworkException
            => new CliException($"cannot reach broker at {Bootstrap} ({error.Reason})", inner),
        ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic when topic is not null
            => new CliException($"topic '{topic}' does not exist", inner),
        _ => new CliException(error.Reason, inner),
    };

    private sealed class NullableUtf8 : ISerializer<string?>, IDeserializer<string?>
    {
        public static readonly NullableUtf8 Instance = new();

        public byte[]? Serialize(string? data, SerializationContext context) =>
            data is null ? null : System.Text.Encoding.UTF8.GetBytes(data);

        public string? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
            isNull ? null : System.Text.Encoding.UTF8.GetString(data);
    }
}
