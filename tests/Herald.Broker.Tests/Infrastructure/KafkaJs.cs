using System.Diagnostics;

namespace Herald.Broker.Tests.Infrastructure;

/// <summary>Runs the kafkajs scripts in <c>KafkaJs/</c> with Node.js, installing kafkajs once per test run.</summary>
public static class KafkaJs
{
    private static readonly string ScriptDirectory = Path.Combine(AppContext.BaseDirectory, "KafkaJs");
    private static readonly Lazy<Task> Install = new(InstallAsync);

    /// <summary>Runs <c>node <paramref name="script"/> <paramref name="arguments"/></c>; returns its exit code and everything it printed.</summary>
    public static async Task<(int Exit, string Output)> RunScriptAsync(string script, string[] arguments, TimeSpan timeout)
    {
        await Install.Value;
        return await RunAsync("node", [script, .. arguments], timeout);
    }

    private static async Task InstallAsync()
    {
        if (Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "kafkajs")))
        {
            return;
        }

        var (exit, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"npm ci failed in {ScriptDirectory}:\n{output}");
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = ScriptDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish in {timeout}: {await stderr}");
        }

        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
