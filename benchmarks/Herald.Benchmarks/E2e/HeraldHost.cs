using System.Diagnostics;
using System.Globalization;
using Herald.Server;
using Microsoft.Extensions.Logging;

namespace Herald.Benchmarks.E2e;

/// <summary>A running Herald broker, either a <c>herald serve</c> child process or a server inside the rig.</summary>
public abstract class HeraldHost : IAsyncDisposable
{
    /// <summary>The Kafka bootstrap address.</summary>
    public abstract string Bootstrap { get; }

    /// <summary>The HTTP listener (<c>/health</c>, <c>/metrics</c>).</summary>
    public abstract Uri HttpAddress { get; }

    /// <summary>The broker's peak RSS, or null when it shares the rig's process.</summary>
    public abstract long? PeakRssBytes();

    /// <summary>CPU time the broker has used so far, or null when it shares the rig's process.</summary>
    public abstract TimeSpan? CpuTime();

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();

    /// <summary>Starts <c>src/Herald.Cli/bin/Release/net10.0/herald serve</c> over <paramref name="dataDirectory"/> and waits for its ready line.</summary>
    public static async Task<HeraldHost> StartProcessAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var executable = HeraldBuild.Executable;
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"{executable} does not exist; build it with `dotnet build src/Herald.Cli -c Release`");
        }

        var ports = Scratch.FreePorts(3);
        string kafka = Listen(ports[0]);
        string http = Listen(ports[1]);
        var child = await ChildProcess.StartAsync(
            executable,
            ["serve", "--data", dataDirectory, "--kafka", kafka, "--http", http, "--registry", Listen(ports[2])],
            line => line.StartsWith("herald ready", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60),
            cancellationToken).ConfigureAwait(false);
        return new ProcessHost(child, kafka, new Uri("http://" + http));
    }

    /// <summary>Starts a <see cref="HeraldServer"/> inside the rig (warnings only in its log).</summary>
    public static async Task<HeraldHost> StartInProcessAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var server = await HeraldServer.StartAsync(
            new HeraldServerOptions
            {
                DataDirectory = dataDirectory,
                KafkaListen = "127.0.0.1:0",
                HttpListen = "127.0.0.1:0",
                RegistryListen = "127.0.0.1:0",
                ConfigureLogging = l => l.SetMinimumLevel(LogLevel.Warning),
            },
            cancellationToken).ConfigureAwait(false);
        return new InProcessHost(server);
    }

    private static string Listen(int port) => "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

    private sealed class ProcessHost(ChildProcess child, string bootstrap, Uri httpAddress) : HeraldHost
    {
        public override string Bootstrap => bootstrap;

        public override Uri HttpAddress => httpAddress;

        public override long? PeakRssBytes() => child.PeakRssBytes();

        public override TimeSpan? CpuTime() => child.CpuTime();

        public override ValueTask DisposeAsync() => child.DisposeAsync();
    }

    private sealed class InProcessHost(HeraldServer server) : HeraldHost
    {
        public override string Bootstrap => server.KafkaBootstrap;

        public override Uri HttpAddress => server.HttpAddress;

        public override long? PeakRssBytes() => null;

        public override TimeSpan? CpuTime() => null;

        public override ValueTask DisposeAsync() => server.DisposeAsync();
    }
}

/// <summary>Finds the repository and builds <c>src/Herald.Cli</c> in Release for the process mode.</summary>
public static class HeraldBuild
{
    /// <summary>The repository root (the folder holding Herald.slnx), searched upwards from the rig and the working directory.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The built <c>herald</c> executable.</summary>
    public static string Executable => Path.Combine(RepositoryRoot, "src", "Herald.Cli", "bin", "Release", "net10.0", "herald");

    /// <summary>Runs <c>dotnet build src/Herald.Cli -c Release</c>; throws with the build's last lines when it fails.</summary>
    public static async Task BuildAsync(CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "build", "src/Herald.Cli", "-c", "Release", "-nologo", "-v", "quiet" })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var lines = ((await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false)))
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))
                .Distinct()
                .Take(5);
            throw new InvalidOperationException($"`dotnet build src/Herald.Cli -c Release` failed ({process.ExitCode}): {string.Join(" | ", lines)}");
        }
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Herald.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("cannot find the repository root (Herald.slnx) above the rig or the working directory");
    }
}
