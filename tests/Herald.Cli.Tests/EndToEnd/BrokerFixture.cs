using Herald.Server;

namespace Herald.Cli.Tests.EndToEnd;

/// <summary>One in-process Herald server on free loopback ports over a temporary data folder.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "herald-cli-tests-" + Guid.NewGuid().ToString("N"));
    private HeraldServer? server;

    public string Bootstrap => server?.KafkaBootstrap ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>The schema registry's base URL, without a trailing slash.</summary>
    public string Registry => server?.RegistryAddress.ToString().TrimEnd('/') ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        server = await HeraldServer.StartAsync(new HeraldServerOptions
        {
            DataDirectory = dataDirectory,
            KafkaListen = "127.0.0.1:0",
            RegistryListen = "127.0.0.1:0",
            HttpListen = "127.0.0.1:0",
            InitialRebalanceDelayMs = 0,
        });
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
