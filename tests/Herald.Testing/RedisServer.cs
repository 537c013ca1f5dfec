using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Herald.Testing;

/// <summary>
/// A private <c>redis-server</c> for tests on a free loopback port, without persistence, in a temporary folder. Tests
/// share it and keep apart by <see cref="UniquePrefix"/> key prefixes or their own <see cref="NextDatabase"/>.
/// </summary>
/// <remarks>Needs Debian's <c>redis-server</c> package (<c>.ci/run</c> installs it).</remarks>
public sealed class RedisServer : IAsyncDisposable
{
    /// <summary>How many logical databases the server has, so every test can own one.</summary>
    public const int Databases = 4096;

    private static readonly Lazy<Task<RedisServer>> SharedServer = new(StartAsync);
    private readonly Process _process;
    private readonly string _directory;
    private int _nextDatabase;

    private RedisServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    /// <summary>One server for the whole test run, stopped when the test process ends.</summary>
    public static Task<RedisServer> Shared => SharedServer.Value;

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, for StackExchange.Redis and the CLI.</summary>
    public string EndPoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>A key prefix no other test uses, e.g. <c>orders-3f2a…:</c>.</summary>
    public static string UniquePrefix(string name) => $"{name}-{Guid.NewGuid():N}:";

    /// <summary>A logical database no other test of this run uses (1 to <see cref="Databases"/> - 1; 0 stays free).</summary>
    public int NextDatabase()
    {
        var database = Interlocked.Increment(ref _nextDatabase);
        return database < Databases ? database : throw new InvalidOperationException($"more than {Databases - 1} Redis databases requested in one run");
    }

    private static async Task<RedisServer> StartAsync()
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} not found: apt-get install -y redis-server");
        }

        var directory = Path.Combine(Path.GetTempPath(), "herald-redis-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        string[] arguments =
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory, "--databases", Databases.ToString(CultureInfo.InvariantCulture), "--daemonize", "no",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start redis-server");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, directory, port);
        await server.StartWatchdogAsync().ConfigureAwait(false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        await server.WaitUntilReadyAsync(output).ConfigureAwait(false);
        return server;
    }

    private async Task WaitUntilReadyAsync(StringBuilder output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (_process.HasExited)
            {
                lock (output)
                {
                    throw new InvalidOperationException($"redis-server exited with {_process.ExitCode}: {output}");
                }
            }

            if (await PingAsync().ConfigureAwait(false))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer PING within 30 s");
            }

            // Polling a starting server: there is no event to wait on.
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray()).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog may be deleting it at the same time.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Stops the server and deletes its folder once this process is gone, however it ends: the test runner kills the
    /// test host without waiting for ProcessExit handlers (see <see cref="PostgresCluster"/>).
    /// </summary>
    private async Task StartWatchdogAsync()
    {
        // Orphaned at once (reparented to init, in a session of its own), so killing the test host's tree does not reach it.
        var script = $"( while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -9 {_process.Id} 2>/dev/null; rm -rf '{_directory}' ) >/dev/null 2>&1 </dev/null &";
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "sh", "-c", script })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the redis watchdog");
        await process.WaitForExitAsync().ConfigureAwait(false);
    }
}
