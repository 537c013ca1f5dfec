using Herald.Server;
using Microsoft.Extensions.Logging;

namespace Herald.Testing;

/// <summary>Starts real Herald servers on free loopback ports, each over its own temporary data folder.</summary>
public static class TestBroker
{
    private static readonly Lazy<Task<HeraldServer>> SharedServer = new(() => StartAsync(NewDataDirectory()));

    static TestBroker()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            if (SharedServer.IsValueCreated && SharedServer.Value.IsCompletedSuccessfully)
            {
                SharedServer.Value.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        };
    }

    /// <summary>One server shared by every test that does not restart or break it; tests use their own topic and group names.</summary>
    public static Task<HeraldServer> Shared => SharedServer.Value;

    public static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "herald-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Starts a dedicated server, for tests that restart it or damage its files.</summary>
    public static Task<HeraldServer> StartAsync(string dataDirectory, Func<HeraldServerOptions, HeraldServerOptions>? configure = null)
    {
        var options = new HeraldServerOptions
        {
            DataDirectory = dataDirectory,
            KafkaListen = "127.0.0.1:0",
            HttpListen = "127.0.0.1:0",
            RegistryListen = "127.0.0.1:0",
            InitialRebalanceDelayMs = 0,
            ConfigureLogging = logging => logging.SetMinimumLevel(LogLevel.Warning),
        };
        return HeraldServer.StartAsync(configure?.Invoke(options) ?? options);
    }

    /// <summary>A topic or group name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
