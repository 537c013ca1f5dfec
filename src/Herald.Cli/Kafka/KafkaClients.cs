using System.Diagnostics;
using System.Net.Sockets;
using Confluent.Kafka;

namespace Herald.Cli.Kafka;

/// <summary>Builds Confluent.Kafka clients for one bootstrap address with timeouts that fail in seconds, not never.</summary>
/// <remarks>librdkafka retries an unreachable broker forever and logs to the process's stderr by default;
/// the CLI probes the address first, bounds every request, and silences the client's own logging. The user's client
/// properties (<c>-X</c>, <c>--client-config</c>) are applied last to every client, so they can change anything.</remarks>
internal sealed class KafkaClients
{
    /// <summary>The bound on any one broker request.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    private const int TimeoutMs = 10_000;

    private static readonly TimeSpan MetadataStep = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyDictionary<string, string> _properties;
    private volatile Error? _authenticationError;

    /// <param name="bootstrap">The <c>--bootstrap</c> address; a <c>bootstrap.servers</c> property wins over it.</param>
    /// <param name="properties">librdkafka properties for every client; null for none.</param>
    public KafkaClients(string bootstrap, IReadOnlyDictionary<string, string>? properties = null)
    {
        _properties = properties ?? new Dictionary<string, string>();
        Bootstrap = _properties.GetValueOrDefault("bootstrap.servers") ?? bootstrap;
    }

    public string Bootstrap { get; }

    /// <summary>The user's properties, for clients built elsewhere (e.g. the replayer's producer).</summary>
    public IReadOnlyDictionary<string, string> Properties => _properties;

    /// <summary>Applies the user's properties to <paramref name="config"/> (after the command's own settings).</summary>
    public T Apply<T>(T config)
        where T : ClientConfig
    {
        config.BootstrapServers = Bootstrap;
        foreach (var (key, value) in _properties)
        {
            config.Set(key, value);
        }

        return config;
    }

    /// <summary>Builds a client, turning a property librdkafka rejects into one line that names it.</summary>
    public static TClient Build<TClient>(Func<TClient> build)
    {
        try
        {
            return build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // librdkafka refuses an unknown property or a bad value when the client is created.
            throw CliException.BadInput($"invalid client property: {e.Message}", e);
        }
    }

    /// <summary>The error handler of every client: remembers a failed login, which would otherwise surface as a timeout.</summary>
    public void Observe(Error error)
    {
        if (error.Code is ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed)
        {
            _authenticationError = error;
        }
    }

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

    public IAdminClient CreateAdmin() => Build(() =>
        new AdminClientBuilder(Apply(new AdminClientConfig
        {
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
        }))
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler((_, error) => Observe(error))
        .Build());

    public IProducer<string?, string> CreateProducer(Acks acks) => Build(() =>
        new ProducerBuilder<string?, string>(Apply(new ProducerConfig
        {
            Acks = acks,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
            MessageTimeoutMs = 3 * TimeoutMs,
            // A topic the broker will not create fails in seconds instead of at the message timeout.
            TopicMetadataPropagationMaxMs = TimeoutMs / 2,
            EnableIdempotence = false,
        }))
        .SetKeySerializer(NullableUtf8.Instance)
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler((_, error) => Observe(error))
        .Build());

    /// <param name="groupId">A consumer group to join; <see langword="null"/> for a throw-away id with no commits (assign mode).</param>
    /// <param name="fromBeginning">Where a group without committed offsets starts.</param>
    public IConsumer<string?, string> CreateConsumer(string? groupId, bool fromBeginning) => Build(() =>
        new ConsumerBuilder<string?, string>(Apply(new ConsumerConfig
        {
            GroupId = groupId ?? $"herald-cli-{Guid.NewGuid():N}",
            EnableAutoCommit = groupId is not null,
            AutoOffsetReset = fromBeginning ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            SocketTimeoutMs = TimeoutMs,
            SocketConnectionSetupTimeoutMs = TimeoutMs,
        }))
        .SetKeyDeserializer(NullableUtf8.Instance)
        .SetLogHandler(static (_, _) => { })
        .SetErrorHandler((_, error) => Observe(error))
        .Build());

    /// <summary>Metadata of every topic; a request for all topics never auto-creates one.</summary>
    public Metadata GetMetadata(IAdminClient admin)
    {
        // In one-second steps, so a failed login (reported only to the error handler) ends the wait at once
        // instead of after the whole request timeout.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return admin.GetMetadata(MetadataStep);
            }
            catch (KafkaException e) when (_authenticationError is null && waited.Elapsed + MetadataStep <= RequestTimeout
                && e.Error.Code is ErrorCode.Local_TimedOut or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
            {
            }
            catch (KafkaException e)
            {
                throw Describe(e.Error, e);
            }
        }
    }

    /// <summary>Fails with the login error if a client of this command could not authenticate.</summary>
    public void ThrowIfAuthenticationFailed()
    {
        if (_authenticationError is { } error)
        {
            throw Describe(error);
        }
    }

    /// <summary>The metadata of <paramref name="topic"/>, or <c>topic 'x' does not exist</c>.</summary>
    public TopicMetadata GetTopic(IAdminClient admin, string topic) =>
        GetMetadata(admin).Topics.FirstOrDefault(t => t.Topic == topic && t.Error.Code != ErrorCode.UnknownTopicOrPart)
        ?? throw TopicDoesNotExist(topic);

    public static CliException TopicDoesNotExist(string topic) => new($"topic '{topic}' does not exist");

    /// <summary>Turns a client error into one line a person can act on.</summary>
    public CliException Describe(Error error, Exception? inner = null, string? topic = null) => (_authenticationError ?? error).Code switch
    {
        ErrorCode.Local_Authentication or ErrorCode.SaslAuthenticationFailed
            => new CliException($"authentication failed at {Bootstrap} ({(_authenticationError ?? error).Reason}); check sasl.mechanisms, sasl.username and sasl.password (-X or --client-config)", inner),
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
