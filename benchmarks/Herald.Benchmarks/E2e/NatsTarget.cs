using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Herald.Benchmarks.E2e;

/// <summary>
/// NATS JetStream as the peer: <c>nats-server -js -sd &lt;tmp&gt; -p &lt;free&gt;</c> as a child process, one stream
/// with file storage on one subject, driven with NATS.Net's JetStream API.
/// </summary>
public sealed partial class NatsTarget(string serverPath) : IBenchmarkTarget
{
    /// <summary>JetStream publishes kept in flight at once (awaited as a window).</summary>
    public const int PublishWindow = 1000;

    private string? _dataDirectory;
    private ChildProcess? _server;
    private NatsConnection? _connection;
    private NatsJSContext? _js;

    /// <inheritdoc />
    public string Name => "NATS JetStream";

    private NatsJSContext Js => _js ?? throw new InvalidOperationException("not started");

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _dataDirectory = Scratch.CreateDirectory("nats-bench-");
        int port = Scratch.FreePort();
        _server = await ChildProcess.StartAsync(
            serverPath,
            ["-js", "-sd", _dataDirectory, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            line => line.Contains("Server is ready", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            cancellationToken).ConfigureAwait(false);
        _connection = new NatsConnection(new NatsOpts { Url = $"nats://127.0.0.1:{port}", Name = "herald-bench" });
        await _connection.ConnectAsync().ConfigureAwait(false);
        _js = new NatsJSContext(_connection);
    }

    /// <inheritdoc />
    public async Task CreateStreamAsync(string name, int partitions, CancellationToken cancellationToken) =>
        await Js.CreateStreamAsync(new StreamConfig(name, [Subject(name)]) { Storage = StreamConfigStorage.File }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public long? PeakRssBytes() => _server?.PeakRssBytes();

    /// <summary>The one subject of a stream.</summary>
    private static string Subject(string stream) => stream + ".data";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        if (_dataDirectory is not null)
        {
            Scratch.Delete(_dataDirectory);
        }
    }
}
