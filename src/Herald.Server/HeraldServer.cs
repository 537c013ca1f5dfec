using System.Net;
using System.Text.Json;
using Herald.Broker;
using Herald.Broker.Network;
using Herald.Registry;
using Herald.Registry.Api;
using Herald.Registry.Formats;
using Herald.WebConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Server;

/// <summary>
/// One Herald process: the Kafka listener and the HTTP endpoints over one data folder, hosted on Kestrel.
/// <c>herald serve</c> and the test fixtures start this same host.
/// </summary>
public sealed class HeraldServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private HeraldServer(HeraldServerOptions options, WebApplication app, KafkaBroker broker, SchemaRegistry registry)
    {
        Options = options;
        _app = app;
        Broker = broker;
        Registry = registry;
    }

    /// <summary>The options the server was started with.</summary>
    public HeraldServerOptions Options { get; }

    /// <summary>The broker behind the Kafka listener.</summary>
    public KafkaBroker Broker { get; }

    /// <summary>The schema registry behind the registry listener.</summary>
    public SchemaRegistry Registry { get; }

    /// <summary>The host's services, e.g. the console's <c>ConsoleHistory</c> (the benchmarks drive it directly).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The schema registry base URL, e.g. <c>http://127.0.0.1:8081</c>.</summary>
    public Uri RegistryAddress { get; private set; } = new("http://127.0.0.1:8081");

    /// <summary>The bootstrap address Kafka clients use, e.g. <c>127.0.0.1:9092</c> (the real port when 0 was asked for).</summary>
    public string KafkaBootstrap { get; private set; } = string.Empty;

    /// <summary>The HTTP base URL (health at <c>/health</c>).</summary>
    public Uri HttpAddress { get; private set; } = new("http://127.0.0.1:8080");

    /// <summary>Starts listening; returns once every listener accepts connections.</summary>
    /// <exception cref="FormatException">A listener address is not HOST:PORT.</exception>
    /// <exception cref="IOException">A port is already in use or cannot be bound.</exception>
    public static async Task<HeraldServer> StartAsync(HeraldServerOptions options, CancellationToken cancellationToken = default)
    {
        var kafkaEndPoint = ListenAddress.Parse(options.KafkaListen, "--kafka");
        var httpEndPoint = ListenAddress.Parse(options.HttpListen, "--http");
        var registryEndPoint = ListenAddress.Parse(options.RegistryListen, "--registry");
        var dataDirectory = Path.GetFullPath(options.DataDirectory);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        options.ConfigureLogging?.Invoke(builder.Logging);

        builder.Services.AddSingleton(sp => new KafkaBroker(
            new BrokerOptions
            {
                DataDirectory = dataDirectory,
                AutoCreateTopics = options.AutoCreateTopics,
                DefaultPartitions = options.DefaultPartitions,
                Log = options.Log,
                MaxRequestBytes = options.MaxRequestBytes,
                InitialRebalanceDelayMs = options.InitialRebalanceDelayMs,
                Authentication = options.Authentication,
            },
            sp.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton(sp => new SchemaRegistry(
            new RegistryOptions
            {
                DataDirectory = Path.Combine(dataDirectory, "registry"),
                Fsync = options.Log.Flush == Herald.Broker.Log.FlushPolicy.EveryAppend,
            },
            new SchemaFormats(SchemaFormatCatalog.All),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<SchemaRegistry>()));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddHeraldConsole(options.Console);

        // The console's antiforgery tokens are signed with these keys; kept with the data so a restart keeps open forms valid.
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "console-keys")));
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        ListenOptions? kafkaListener = null;
        ListenOptions? httpListener = null;
        ListenOptions? registryListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(kafkaEndPoint, listen =>
            {
                kafkaListener = listen;
                listen.UseConnectionHandler<KafkaConnectionHandler>();
            });
            kestrel.Listen(httpEndPoint, listen => httpListener = listen);
            kestrel.Listen(registryEndPoint, listen => registryListener = listen);
        });

        var app = builder.Build();
        var broker = app.Services.GetRequiredService<KafkaBroker>();
        var registry = app.Services.GetRequiredService<SchemaRegistry>();

        // Kestrel serves both HTTP listeners from one pipeline; the local port says which API a request is for.
        app.MapWhen(c => c.Connection.LocalPort == registryListener!.IPEndPoint!.Port, branch =>
        {
            branch.UseRouting();
            branch.UseEndpoints(routes =>
            {
                routes.MapSchemaRegistry(registry);
                routes.MapFallback(c => Results.Json(new { error_code = 404, message = $"HTTP 404 Not Found: {c.Request.Method} {c.Request.Path}" }, statusCode: 404).ExecuteAsync(c));
            });
        });
        app.MapGet("/health", () => Results.Json(new
        {
            status = "ok",
            topics = broker.Topics.All.Count,
        }));
        app.MapMonitoring(broker, registry);
        app.MapSagaApi();
        app.MapHeraldConsole();

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await broker.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"cannot listen: {ex.Message}", ex);
        }

        var kafkaBound = kafkaListener!.IPEndPoint!;
        var httpBound = httpListener!.IPEndPoint!;
        var registryBound = registryListener!.IPEndPoint!;
        var advertisedHost = options.AdvertisedHost ?? AdvertisableHost(kafkaBound.Address);
        broker.AdvertisedListener = (advertisedHost, kafkaBound.Port);
        var server = new HeraldServer(options, app, broker, registry)
        {
            RegistryAddress = new Uri($"http://{UriHost(registryBound.Address)}:{registryBound.Port}"),
            KafkaBootstrap = $"{advertisedHost}:{kafkaBound.Port}",
            HttpAddress = new Uri($"http://{UriHost(httpBound.Address)}:{httpBound.Port}"),
        };
        return server;
    }

    private static string AdvertisableHost(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? Dns.GetHostName() : UriHost(address);

    private static string UriHost(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    /// <summary>Waits until the host is asked to stop (e.g. SIGTERM handled by the host).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting, ends open connections, flushes every log and closes the files.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Broker.BeginShutdown();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await Broker.DisposeAsync().ConfigureAwait(false);
        Registry.Dispose();
    }

    /// <summary>A one-line description of every address, for the ready line of <c>herald serve</c>.</summary>
    public string DescribeListeners() =>
        $"kafka {KafkaBootstrap}{(Options.Authentication.Enabled ? " (SASL " + string.Join('/', Options.Authentication.Mechanisms) + ")" : string.Empty)}, registry {RegistryAddress.ToString().TrimEnd('/')}, http {HttpAddress.ToString().TrimEnd('/')}, data {Path.GetFullPath(Options.DataDirectory)}";

    internal static string ToJson(object value) => JsonSerializer.Serialize(value);
}
