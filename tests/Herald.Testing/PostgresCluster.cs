using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Herald.Testing;

/// <summary>
/// A private PostgreSQL cluster for tests: <c>initdb</c> into a temporary folder and <c>pg_ctl start</c> on a free
/// loopback port, with <c>wal_level=logical</c> (for CDC) and fsync off (test speed). Each test creates its own database
/// on <see cref="Shared"/>; a test that needs other server settings starts its own with <see cref="StartAsync(string[])"/>.
/// </summary>
/// <remarks>Needs Debian's <c>postgresql</c> package (<c>.ci/run</c> installs it). Run as root, the cluster runs as the <c>postgres</c> user.</remarks>
public sealed class PostgresCluster : IAsyncDisposable
{
    /// <summary>How many ports a start tries when another process takes the chosen one first.</summary>
    private const int PortAttempts = 5;

    private static readonly Lazy<Task<PostgresCluster>> SharedCluster = new(() => StartCoreAsync([], shared: true));
    private readonly string _bin;
    private readonly string _directory;
    private readonly bool _asPostgresUser;
    private int _databases;

    private PostgresCluster(string bin, string directory, bool asPostgresUser)
    {
        _bin = bin;
        _directory = directory;
        _asPostgresUser = asPostgresUser;
    }

    /// <summary>One cluster for the whole test run, stopped at process exit.</summary>
    public static Task<PostgresCluster> Shared => SharedCluster.Value;

    public int Port { get; private set; }

    /// <summary>A connection string to <paramref name="database"/> as the superuser <c>herald</c>.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=herald;Database={database};Pooling=true;Include Error Detail=true";

    /// <summary>Creates a database no other test uses and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        // PostgreSQL truncates identifiers to 63 bytes; cut here so the name we return is the one created.
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name[..Math.Min(63, name.Length)];
        await RunAsync(Path.Combine(_bin, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "herald", name]).ConfigureAwait(false);
        return ConnectionString(name);
    }

    /// <summary>
    /// Starts a private cluster (not <see cref="Shared"/>) with extra server settings, e.g. <c>wal_level=replica</c>;
    /// they are passed as <c>-c name=value</c> after the defaults, so they override them. Dispose it to stop it and
    /// delete its folder; the watchdog does both if the test process ends first.
    /// </summary>
    /// <param name="settings">Server settings as <c>name=value</c>, without spaces.</param>
    public static Task<PostgresCluster> StartAsync(params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var setting in settings)
        {
            if (!setting.Contains('=', StringComparison.Ordinal) || setting.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"expected name=value without spaces, got '{setting}'", nameof(settings));
            }
        }

        return StartCoreAsync(settings, shared: false);
    }

    private static async Task<PostgresCluster> StartCoreAsync(string[] settings, bool shared)
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install -y postgresql");
        }

        var root = Environment.UserName == "root";
        var directory = Path.Combine(Path.GetTempPath(), "herald-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (root)
        {
            await RunAsync("chown", ["postgres:postgres", directory]).ConfigureAwait(false);
        }

        var cluster = new PostgresCluster(bin, directory, root);

        // Before initdb: a start that fails half-way is cleaned up too.
        await cluster.StartWatchdogAsync().ConfigureAwait(false);
        var data = Path.Combine(directory, "data");
        await cluster.RunAsPostgresAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "herald", "--auth=trust", "-E", "UTF8", "--no-sync"]).ConfigureAwait(false);
        await cluster.StartOnAFreePortAsync(data, settings).ConfigureAwait(false);
        if (shared)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return cluster;
    }

    /// <summary>
    /// Starts the server on a port chosen free, retrying with another when something took it before the server bound
    /// it. PostgreSQL cannot bind port 0 and report the port it got, so choose-then-bind has a window; the retry on
    /// "Address already in use" closes it. <c>pg_ctl -w</c> waits for this data directory's postmaster, so a server
    /// that someone else runs on the port is never mistaken for ours.
    /// </summary>
    private async Task StartOnAFreePortAsync(string data, string[] settings)
    {
        var log = Path.Combine(_directory, "postgres.log");
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c wal_level=logical -c max_replication_slots=200 -c max_wal_senders=60 -c fsync=off -c synchronous_commit=off -c max_connections=200"
                + string.Concat(settings.Select(setting => " -c " + setting));
            var logStart = File.Exists(log) ? new FileInfo(log).Length : 0;
            try
            {
                await RunAsPostgresAsync(Path.Combine(_bin, "pg_ctl"), ["-D", data, "-o", options, "-l", log, "-w", "-t", "60", "start"]).ConfigureAwait(false);
                return;
            }
            catch (InvalidOperationException) when (attempt < PortAttempts && LogSince(log, logStart).Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    private static string LogSince(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(offset, SeekOrigin.Begin);
        return new StreamReader(stream).ReadToEnd();
    }

    private Task RunAsPostgresAsync(string file, string[] arguments) =>
        _asPostgresUser ? RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments]) : RunAsync(file, arguments);

    private static async Task RunAsync(string file, string[] arguments)
    {
        // A working directory the postgres user can enter (runuser keeps the caller's, which it may not be allowed to read).
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}");
        }
    }

    /// <summary>A port the OS considers free now; see <see cref="StartOnAFreePortAsync"/> for the window this leaves.</summary>
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
            await RunAsync("sh", ["-c", StopAndDeleteScript()]).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped and deleted.
        }
    }

    private string StopAndDeleteScript()
    {
        var stop = $"'{Path.Combine(_bin, "pg_ctl")}' -D '{Path.Combine(_directory, "data")}' -m immediate -w stop";
        return (_asPostgresUser ? "runuser -u postgres -- " : "") + stop + $" >/dev/null 2>&1; rm -rf '{_directory}'";
    }

    /// <summary>
    /// Stops the cluster and deletes its folder once this process is gone, however it ends: the test runner kills the
    /// test host without waiting for ProcessExit handlers (that left running servers and 40-100 MB folders in /tmp).
    /// </summary>
    private Task StartWatchdogAsync()
    {
        // The subshell is orphaned at once (reparented to init, in a session of its own), so killing the test
        // host's process tree does not reach it.
        var script = $"( while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; {StopAndDeleteScript()} ) >/dev/null 2>&1 </dev/null &";
        return RunAsync("setsid", ["sh", "-c", script]);
    }
}
