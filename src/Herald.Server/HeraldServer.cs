namespace Herald.Server;

/// <summary>
/// One Herald process: the Kafka listener, the schema registry and the HTTP endpoints over one data folder.
/// <c>herald serve</c> and the test fixtures start this same host.
/// </summary>
public sealed partial class HeraldServer : IAsyncDisposable
{
    private HeraldServer(HeraldServerOptions options)
    {
        Options = options;
    }

    /// <summary>The options the server was started with.</summary>
    public HeraldServerOptions Options { get; }

    /// <summary>The bootstrap address Kafka clients use, e.g. <c>127.0.0.1:9092</c> (the real port when 0 was asked for).</summary>
    public string KafkaBootstrap { get; private set; } = string.Empty;

    /// <summary>The schema registry base URL.</summary>
    public Uri RegistryAddress { get; private set; } = new("http://127.0.0.1:8081");

    /// <summary>The HTTP base URL (health at <c>/health</c>).</summary>
    public Uri HttpAddress { get; private set; } = new("http://127.0.0.1:8080");

    /// <summary>Starts listening; returns once every listener accepts connections.</summary>
    public static Task<HeraldServer> StartAsync(HeraldServerOptions options, CancellationToken cancellationToken = default)
    {
        throw new NotImplementedException();
    }

    /// <summary>Stops accepting, finishes in-flight requests, flushes every log and closes the files.</summary>
    public ValueTask DisposeAsync()
    {
        return ValueTask.CompletedTask;
    }
}
