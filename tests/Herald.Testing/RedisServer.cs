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

    /// <summary>How many ports a start tries when another process takes the chosen one first.</summary>
    private const int PortAttempts = 5;

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

        // redis-server cannot bind port 0 and report the port it got, so a port chosen free can be taken before the
        // server binds it: it then exits with "Address already in use", and the start is retried on another port.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            var (server, output) = await TryStartAsync(binary, directory, port).ConfigureAwait(false);
            if (server is not null)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
                return server;
            }

            if (attempt == PortAttempts || !output.Contains("Address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"redis-server did not start on port {port}: {output}");
            }
        }
    }

    /// <summary>Starts redis-server on <paramref name="port"/>; null and its output when it exited instead of becoming ready.</summary>
    private static async Task<(RedisServer? Server, string Output)> TryStartAsync(string binary, string directory, int port)
    {
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

        // Ready is the server's own log line, not a PING on the port: a PING could be answered by another process's
        // server that took the port while ours failed to bind it.
        var output = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        void Collect(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data.Contains("Ready to accept connections", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Exited += (_, _) => exited.TrySetResult();
        if (!process.Start())
        {
            throw new InvalidOperationException("cannot start redis-server");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Task first;
        try
        {
            first = await Task.WhenAny(ready.Task, exited.Task).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        if (first == ready.Task)
        {
            // Only a server that runs gets a watchdog: one for an exited attempt would later kill whatever reuses its pid.
            var server = new RedisServer(process, directory, port);
            await server.StartWatchdogAsync().ConfigureAwait(false);
            return (server, "");
        }

        // Exited: its output streams end after the process does.
        await process.WaitForExitAsync().ConfigureAwait(false);
        lock (output)
        {
            return (null, $"exited with {process.ExitCode}: {output}");
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
