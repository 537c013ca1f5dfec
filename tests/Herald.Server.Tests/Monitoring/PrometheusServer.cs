using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Herald.Server.Tests.Monitoring;

/// <summary>
/// A private Prometheus (Debian's <c>/usr/bin/prometheus</c>) on a free loopback port, with its TSDB in a temporary
/// folder, for tests that need Prometheus' own rule evaluation: it is what the deploy/ rules run on in production.
/// </summary>
/// <remarks>Needs Debian's <c>prometheus</c> package (<c>.ci/run</c> installs it). Stopped and deleted on dispose.</remarks>
public sealed class PrometheusServer : IAsyncDisposable
{
    private const string Binary = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, StringBuilder output, string directory, int port)
    {
        _process = process;
        _output = output;
        Directory = directory;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        _http = new HttpClient { BaseAddress = BaseAddress };
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The server's folder: its configuration, the files given to <see cref="StartAsync"/> and <c>data/</c>.</summary>
    public string Directory { get; }

    /// <summary>What Prometheus logged so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts Prometheus with <paramref name="configuration"/> (prometheus.yml text) and returns once <c>/-/ready</c>
    /// answers. <paramref name="files"/> (name → content) are written next to the configuration, so <c>rule_files</c>
    /// can name them relatively.
    /// </summary>
    public static async Task<PrometheusServer> StartAsync(string configuration, IReadOnlyDictionary<string, string>? files = null, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} not found: apt-get install -y --no-install-recommends prometheus (bash .ci/run does)");
        }

        // The free port is found by binding and releasing it; another process may take it first, so try again then.
        for (var attempt = 1; ; attempt++)
        {
            var server = Launch(configuration, files ?? new Dictionary<string, string>());
            try
            {
                await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("address already in use", StringComparison.Ordinal))
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            catch
            {
                await server.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Runs an instant query; returns <c>data.result</c> (for a vector: an array of <c>{metric, value}</c>).</summary>
    public async Task<JsonElement> QueryAsync(string promql, CancellationToken cancellationToken = default) =>
        (await GetDataAsync("api/v1/query?query=" + Uri.EscapeDataString(promql), cancellationToken).ConfigureAwait(false)).GetProperty("result");

    /// <summary>The pending and firing alerts: <c>data.alerts</c>, each with <c>labels</c>, <c>annotations</c> and <c>state</c>.</summary>
    public async Task<JsonElement> GetAlertsAsync(CancellationToken cancellationToken = default) =>
        (await GetDataAsync("api/v1/alerts", cancellationToken).ConfigureAwait(false)).GetProperty("alerts");

    /// <summary>The loaded rule groups: <c>data.groups</c>, each with <c>rules</c> (name, type, state, health).</summary>
    public async Task<JsonElement> GetRulesAsync(CancellationToken cancellationToken = default) =>
        (await GetDataAsync("api/v1/rules", cancellationToken).ConfigureAwait(false)).GetProperty("groups");

    /// <summary>The state Prometheus reports for <paramref name="alertName"/>: <c>pending</c>, <c>firing</c>, or null when inactive.</summary>
    public async Task<string?> GetAlertStateAsync(string alertName, CancellationToken cancellationToken = default)
    {
        var alerts = await GetAlertsAsync(cancellationToken).ConfigureAwait(false);
        return alerts.EnumerateArray()
            .Where(alert => alert.GetProperty("labels").TryGetProperty("alertname", out var name) && name.GetString() == alertName)
            .Select(alert => alert.GetProperty("state").GetString())
            .OrderBy(state => state == "firing" ? 0 : 1)
            .FirstOrDefault();
    }

    /// <summary>GETs a path and returns the status code, e.g. <c>-/ready</c>.</summary>
    public async Task<HttpStatusCode> GetStatusAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        return response.StatusCode;
    }

    private async Task<JsonElement> GetDataAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"prometheus GET /{path} answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").Clone();
    }

    private static PrometheusServer Launch(string configuration, IReadOnlyDictionary<string, string> files)
    {
        var directory = Path.Combine(Path.GetTempPath(), "herald-prometheus-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        foreach (var (name, content) in files)
        {
            File.WriteAllText(Path.Combine(directory, name), content);
        }

        var configFile = Path.Combine(directory, "prometheus.yml");
        File.WriteAllText(configFile, configuration);
        var port = FreePort();
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--web.listen-address=127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            "--config.file=" + configFile,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start prometheus");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, output, directory, port);
        try
        {
            server.StartWatchdog();
        }
        catch
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        return server;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"prometheus exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if (await GetStatusAsync("-/ready", cancellationToken).ConfigureAwait(false) == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"prometheus on port {Port} was not ready within 60 s:\n{Output}");
            }

            // Polling a starting server: there is no event to wait on.
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
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
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
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
    /// Stops the server and deletes its folder once this test process is gone, however it ends: the test runner may
    /// kill the test host without running disposers (the same guard as <c>Herald.Testing.RedisServer</c>).
    /// </summary>
    private void StartWatchdog()
    {
        // Orphaned at once (reparented to init, in a session of its own), so killing the test host's tree does not reach it.
        var script = $"( while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -9 {_process.Id} 2>/dev/null; rm -rf '{Directory}' ) >/dev/null 2>&1 </dev/null &";
        var start = new ProcessStartInfo("setsid") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "sh", "-c", script })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start the prometheus watchdog");
        process.WaitForExit();
    }
}
