using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Herald.Broker.Log;
using Herald.Broker.Security;
using Herald.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Herald.Cli.Commands;

/// <summary><c>herald serve</c>: runs the broker, the schema registry and the HTTP endpoints until SIGINT or SIGTERM.</summary>
internal sealed class ServeCommand : Command
{
    private static readonly HeraldServerOptions Defaults = new();

    private readonly Option<string> data = new("--data") { Description = "Data directory", HelpName = "DIR", DefaultValueFactory = _ => Defaults.DataDirectory };
    private readonly Option<string> kafka = new("--kafka") { Description = "Kafka listener", HelpName = "HOST:PORT", DefaultValueFactory = _ => Defaults.KafkaListen };
    private readonly Option<string> registry = new("--registry") { Description = "Schema registry listener", HelpName = "HOST:PORT", DefaultValueFactory = _ => Defaults.RegistryListen };
    private readonly Option<string> http = new("--http") { Description = "HTTP listener (health, metrics, console)", HelpName = "HOST:PORT", DefaultValueFactory = _ => Defaults.HttpListen };
    private readonly Option<bool> fsync = new("--fsync") { Description = "fsync every append before acknowledging it" };
    private readonly Option<bool> noAutoCreate = new("--no-auto-create-topics") { Description = "Reject produce/fetch for unknown topics instead of creating them" };
    private readonly Option<int> partitions = new Option<int>("--partitions") { Description = "Partitions of an auto-created topic", HelpName = "N", DefaultValueFactory = _ => Defaults.DefaultPartitions }.AtLeast(1);
    private readonly Option<IReadOnlyList<SagaSourceSpec>> sagas = SagaSourceOption.Create();
    private readonly Option<bool> auth = new("--auth") { Description = "Require SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512) on the Kafka listener" };
    private readonly Option<string?> adminUser = new("--admin-user")
    {
        Description = $"Create or update this administrator (a super user); the password is read from {AdminPasswordVariable}",
        HelpName = "NAME",
    };

    private readonly Option<TimeSpan?> sessionLifetime = DurationOption.Create("--session-lifetime", "With --auth, how long a login lasts before the client must re-authenticate (KIP-368); default: forever");
    private readonly CliConsole console;

    /// <summary>The environment variable <c>--admin-user</c>'s password comes from: never the command line, where <c>ps</c> and shell history would show it.</summary>
    public const string AdminPasswordVariable = "HERALD_ADMIN_PASSWORD";

    public ServeCommand(CliConsole console)
        : base("serve", "Run the Herald broker, schema registry and HTTP endpoints in this process")
    {
        this.console = console;
        Options.Add(data);
        Options.Add(kafka);
        Options.Add(registry);
        Options.Add(http);
        Options.Add(fsync);
        Options.Add(noAutoCreate);
        Options.Add(partitions);
        Options.Add(sagas);
        Options.Add(auth);
        Options.Add(adminUser);
        Options.Add(sessionLifetime);
        SetAction(RunAsync);
    }

    /// <summary>
    /// Maps the parsed options onto the server's options; throws <see cref="CliException"/> for a malformed address. The
    /// saga sources it opens belong to the caller (<see cref="CloseSagaSourcesAsync"/>).
    /// </summary>
    internal HeraldServerOptions ToServerOptions(ParseResult result)
    {
        return Defaults with
        {
            DataDirectory = result.GetValue(data)!,
            KafkaListen = Endpoint.Parse(result.GetValue(kafka)!, "--kafka").ToString(),
            RegistryListen = Endpoint.Parse(result.GetValue(registry)!, "--registry").ToString(),
            HttpListen = Endpoint.Parse(result.GetValue(http)!, "--http").ToString(),
            AutoCreateTopics = !result.GetValue(noAutoCreate),
            DefaultPartitions = result.GetValue(partitions),
            Log = result.GetValue(fsync) ? new LogOptions { Flush = FlushPolicy.EveryAppend } : Defaults.Log,
            Authentication = Defaults.Authentication with
            {
                Enabled = result.GetValue(auth),
                Administrator = Administrator(result.GetValue(adminUser)),
                SessionLifetime = result.GetValue(sessionLifetime) ?? Defaults.Authentication.SessionLifetime,
            },
            ConfigureLogging = LogToStandardError,
            Console = Defaults.Console with { Sagas = [.. result.GetValue(sagas)!.Select(s => s.Open())] },
        };
    }

    /// <summary>Closes the saga stores <see cref="ToServerOptions"/> opened (PostgreSQL data sources hold connections).</summary>
    internal static async Task CloseSagaSourcesAsync(HeraldServerOptions options)
    {
        foreach (var source in options.Console.Sagas)
        {
            if (source.Query is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private AdminUser? Administrator(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (name.Length == 0)
        {
            throw CliException.BadInput("--admin-user needs a user name");
        }

        var password = console.GetEnvironmentVariable(AdminPasswordVariable);
        if (string.IsNullOrEmpty(password))
        {
            throw CliException.BadInput(
                $"--admin-user {name} needs the password in the environment variable {AdminPasswordVariable} (it is never taken from the command line); set it and run again");
        }

        return new AdminUser(name, password);
    }

    private async Task<int> RunAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var options = ToServerOptions(result);
        try
        {
            return await RunAsync(options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await CloseSagaSourcesAsync(options).ConfigureAwait(false);
        }
    }

    private async Task<int> RunAsync(HeraldServerOptions options, CancellationToken cancellationToken)
    {
        EnsureFree(options.KafkaListen, "kafka");
        EnsureFree(options.RegistryListen, "registry");
        EnsureFree(options.HttpListen, "http");

        HeraldServer server;
        try
        {
            server = await HeraldServer.StartAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not CliException)
        {
            throw new CliException($"cannot start herald: {FirstLine(e)}", e);
        }

        await using (server.ConfigureAwait(false))
        {
            await console.Out.WriteLineAsync($"herald ready: {server.DescribeListeners()}").ConfigureAwait(false);
            if (options.Console.Sagas.Count > 0)
            {
                var sources = options.Console.Sagas.Select(s => $"{s.Name} ({s.Description})");
                await console.Out.WriteLineAsync($"sagas from: {string.Join(", ", sources)}").ConfigureAwait(false);
            }

            await console.Out.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return 0;
    }

    /// <summary>Keeps stdout for the ready line, which scripts wait for.</summary>
    internal static void LogToStandardError(ILoggingBuilder logging) =>
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

    /// <summary>Names the listener whose port is taken, which a bind failure deep inside the server would not.</summary>
    private static void EnsureFree(string listen, string name)
    {
        var endpoint = Endpoint.Parse(listen, "--" + name);
        if (endpoint.Port == 0)
        {
            return;
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(endpoint.Host, out var address) ? [address] : Dns.GetHostAddresses(endpoint.Host);
        }
        catch (SocketException)
        {
            throw new CliException($"cannot listen on {listen} ({name}): unknown host '{endpoint.Host}'");
        }

        foreach (var address in addresses)
        {
            var probe = new TcpListener(address, endpoint.Port);
            try
            {
                probe.Start();
            }
            catch (SocketException e)
            {
                var reason = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : e.Message;
                throw new CliException($"cannot listen on {listen} ({name}): {reason}");
            }
            finally
            {
                probe.Stop();
            }
        }
    }

    private static string FirstLine(Exception e)
    {
        while (e is AggregateException { InnerException: { } inner })
        {
            e = inner;
        }

        return e.Message.Split('\n', 2)[0].Trim();
    }
}
