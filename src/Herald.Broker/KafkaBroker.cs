using Herald.Broker.Groups;
using Herald.Broker.Monitoring;
using Herald.Broker.Network;
using Herald.Broker.Producers;
using Herald.Broker.Security;
using Herald.Broker.Topics;
using Herald.Protocol;
using Herald.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Herald.Broker;

/// <summary>
/// The single-node Kafka broker: owns the topics, the group coordinator and the producer-id allocator,
/// and turns each decoded request into its response. It is always node 0, the leader of every
/// partition and the coordinator of every group.
/// </summary>
public sealed partial class KafkaBroker : IAsyncDisposable
{
    /// <summary>The node id Herald reports for itself.</summary>
    public const int NodeId = 0;

    private readonly ILogger _logger;
    private readonly ILogger _securityLogger;
    private readonly Timer _retentionTimer;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    public KafkaBroker(BrokerOptions options, ILoggerFactory loggerFactory)
    {
        Options = options;
        _logger = loggerFactory.CreateLogger<KafkaBroker>();
        Directory.CreateDirectory(options.DataDirectory);
        ClusterId = options.ClusterId ?? LoadOrCreateClusterId(options.DataDirectory);
        Topics = new TopicManager(options.DataDirectory, options.Log, loggerFactory.CreateLogger<TopicManager>());
        ProducerIds = new ProducerIdAllocator(options.DataDirectory);
        Groups = new GroupCoordinator(
            Path.Combine(options.DataDirectory, "groups"),
            new GroupCoordinatorOptions
            {
                InitialRebalanceDelayMs = options.InitialRebalanceDelayMs,
                FlushOffsets = options.Log.Flush == Log.FlushPolicy.EveryAppend,
            },
            (topic, partition) => Topics.FindPartition(topic, partition) is not null,
            TimeProvider.System);
        ConsumerLag = new ConsumerLagMonitor(Topics, Groups);
        DeadLetters = new DeadLetterMonitor(Topics, loggerFactory.CreateLogger<DeadLetterMonitor>());
        _securityLogger = loggerFactory.CreateLogger("Herald.Broker.Security");
        (Credentials, Authenticator) = StartSecurity(options, _securityLogger);
        _retentionTimer = new Timer(_ => RunRetention(), null, options.RetentionCheckInterval, options.RetentionCheckInterval);
    }

    public BrokerOptions Options { get; }

    public string ClusterId { get; }

    public TopicManager Topics { get; }

    public GroupCoordinator Groups { get; }

    /// <summary>Every consumer group's lag, computed from the broker's own offsets and append times.</summary>
    public ConsumerLagMonitor ConsumerLag { get; }

    /// <summary>Dead-letter topics, their depth and what was resolved (from <c>herald.audit</c>).</summary>
    public DeadLetterMonitor DeadLetters { get; }

    /// <summary>Traffic, request latency and connection counters, read by <c>/metrics</c>.</summary>
    public BrokerMetrics Metrics { get; } = new();

    internal ProducerIdAllocator ProducerIds { get; }

    /// <summary>The users and their SCRAM credentials (kept whether or not SASL is on, so users can be set up first).</summary>
    internal CredentialStore Credentials { get; }

    /// <summary>Checks logins when SASL is on; null when it is off, so connections skip every SASL check.</summary>
    internal SaslAuthenticator? Authenticator { get; }

    /// <summary>The host and port clients are told to connect to; set once the listener is bound.</summary>
    public (string Host, int Port) AdvertisedListener { get; set; } = ("127.0.0.1", 9092);

    private static string LoadOrCreateClusterId(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "cluster.id");
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        // Kafka cluster ids are 22-character URL-safe base64 UUIDs.
        var id = Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        File.WriteAllText(path, id);
        return id;
    }

    private void RunRetention()
    {
        try
        {
            int deleted = Topics.ApplyRetention(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            if (deleted > 0)
            {
                _logger.LogInformation("Retention deleted {Segments} segment(s)", deleted);
            }
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Retention failed; will retry at the next interval");
        }
    }

    /// <summary>Cancelled when the broker begins to shut down: open connections and parked fetches end.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Tells open connections to finish; called before the listener stops.</summary>
    public void BeginShutdown()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _stopping.Cancel();
        }
    }

    /// <summary>Answers one request; null means no response is sent (Produce with acks=0).</summary>
    public async ValueTask<IResponseMessage?> HandleAsync(RequestContext context, IRequestMessage request)
    {
        short v = context.ApiVersion;
        return request switch
        {
            ProduceRequest r => Produce(r, v),
            FetchRequest r => await FetchAsync(r, context).ConfigureAwait(false),
            ListOffsetsRequest r => ListOffsets(r, v),
            MetadataRequest r => Metadata(r, v),
            OffsetCommitRequest r => Groups.CommitOffsets(r, v),
            OffsetFetchRequest r => Groups.FetchOffsets(r, v),
            FindCoordinatorRequest r => FindCoordinator(r, v),
            JoinGroupRequest r => await Groups.JoinGroupAsync(r, v, context.ClientId, context.ClientHost, context.Cancellation).ConfigureAwait(false),
            HeartbeatRequest r => Groups.Heartbeat(r, v),
            LeaveGroupRequest r => Groups.LeaveGroup(r, v),
            SyncGroupRequest r => await Groups.SyncGroupAsync(r, v, context.Cancellation).ConfigureAwait(false),
            DescribeGroupsRequest r => Groups.DescribeGroups(r, v),
            ListGroupsRequest r => Groups.ListGroups(r, v),
            ApiVersionsRequest => ApiVersions(ErrorCode.None),
            SaslHandshakeRequest => SaslWithoutAuthentication.Handshake,
            SaslAuthenticateRequest => SaslWithoutAuthentication.Authenticate,
            DescribeUserScramCredentialsRequest r => DescribeUserScramCredentials(r, context),
            AlterUserScramCredentialsRequest r => AlterUserScramCredentials(r, context),
            CreateTopicsRequest r => CreateTopics(r, v),
            DeleteTopicsRequest r => DeleteTopics(r, v),
            DeleteRecordsRequest r => DeleteRecords(r),
            InitProducerIdRequest r => InitProducerId(r),
            OffsetForLeaderEpochRequest r => OffsetForLeaderEpoch(r),
            DescribeConfigsRequest r => DescribeConfigs(r, v),
            AlterConfigsRequest r => AlterConfigs(r),
            CreatePartitionsRequest r => CreatePartitions(r),
            DeleteGroupsRequest r => Groups.DeleteGroups(r, v),
            IncrementalAlterConfigsRequest r => IncrementalAlterConfigs(r),
            OffsetDeleteRequest r => Groups.DeleteOffsets(r, v),
            DescribeClusterRequest r => DescribeCluster(r),
            _ => throw new KafkaProtocolException($"API key {context.ApiKey} has no handler"),
        };
    }

    /// <summary>The ApiVersions answer: every advertised API with its version range.</summary>
    public static ApiVersionsResponse ApiVersions(ErrorCode error)
    {
        var response = new ApiVersionsResponse { ErrorCode = (short)error };
        foreach (var (key, min, max) in SupportedApis.All)
        {
            response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion { ApiKey = key, MinVersion = min, MaxVersion = max });
        }

        return response;
    }

    /// <summary>Stops retention, closes the group coordinator and flushes and closes every log. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        await _retentionTimer.DisposeAsync().ConfigureAwait(false);
        await Groups.DisposeAsync().ConfigureAwait(false);
        Topics.FlushAll();
        Topics.Dispose();
        _stopping.Dispose();
    }
}
