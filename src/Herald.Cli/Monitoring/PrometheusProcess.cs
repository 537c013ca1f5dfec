using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Herald.Cli.Monitoring;

/// <summary>A private Prometheus server (Debian's <c>prometheus</c>) on a free loopback port with a temporary data folder, for drills.</summary>
internal sealed class PrometheusProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly string _directory;

    private PrometheusProcess(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    /// <summary>The server's base URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public Uri Address { get; }

    /// <summary>The path of <c>prometheus</c> on PATH, or <see langword="null"/>.</summary>
    public static string? FindExecutable()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "prometheus");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Starts Prometheus scraping <paramref name="target"/> (HOST:PORT, job <c>herald</c>) and evaluating <paramref name="rules"/> every second; returns when it is ready.</summary>
    public static async Task<PrometheusProcess> StartAsync(string executable, string target, string rules, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "herald-prometheus-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "rules.yml"), rules, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(
            Path.Combine(directory, "prometheus.yml"),
            $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [rules.yml]
            scrape_configs:
              - job_name: herald
                static_configs:
                  - targets: ['{target}']
            """,
            cancellationToken).ConfigureAwait(false);
        var port = FreePort();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        foreach (var argument in (string[])[
            "--config.file=" + Path.Combine(directory, "prometheus.yml"),
            "--storage.tsdb.path=" + Path.Combine(directory, "data"),
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        ])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new CliException($"could not start {executable}");
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var prometheus = new PrometheusProcess(process, directory, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                await prometheus.DisposeAsync().ConfigureAwait(false);
                throw new CliException($"prometheus exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)}: {LastLine(log)}");
            }

            try
            {
                using var ready = await Http.GetAsync(new Uri(prometheus.Address, "/-/ready"), cancellationToken).ConfigureAwait(false);
                if (ready.IsSuccessStatusCode)
                {
                    return prometheus;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await prometheus.DisposeAsync().ConfigureAwait(false);
                throw new CliException($"prometheus did not become ready within 30 s: {LastLine(log)}");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The state (<c>pending</c> or <c>firing</c>) of each active alert named <paramref name="alertName"/>, by its labels; empty when inactive.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, string State)>> AlertsAsync(string alertName, CancellationToken cancellationToken)
    {
        var json = await Http.GetStringAsync(new Uri(Address, "/api/v1/alerts"), cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(json);
        var result = new List<(IReadOnlyDictionary<string, string>, string)>();
        foreach (var alert in document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray())
        {
            var labels = alert.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty);
            if (labels.GetValueOrDefault("alertname") == alertName)
            {
                result.Add((labels, alert.GetProperty("state").GetString() ?? string.Empty));
            }
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
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
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(System.Text.StringBuilder log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.AppendLine(line);
        }
    }

    private static string LastLine(System.Text.StringBuilder log)
    {
        lock (log)
        {
            return log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";
        }
    }
}
