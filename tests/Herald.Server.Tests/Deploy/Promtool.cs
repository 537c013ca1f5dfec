using System.Diagnostics;

namespace Herald.Server.Tests.Deploy;

/// <summary>Runs Prometheus' <c>promtool</c> (Debian package <c>prometheus</c>; <c>.ci/run</c> installs it).</summary>
internal static class Promtool
{
    public static async Task<ToolRun> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Find())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start promtool");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung tool, not a performance expectation: promtool answers in well under a second.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"promtool {string.Join(' ', arguments)} did not finish within 2 minutes");
        }

        return new ToolRun("promtool " + string.Join(' ', arguments), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The promtool on PATH; a missing one fails the test with what to install, it does not skip it.</summary>
    public static string Find()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "promtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail("promtool is not on PATH. Install Debian's prometheus package: apt-get install -y --no-install-recommends prometheus (bash .ci/run does).");
        return string.Empty;
    }
}

/// <summary>How a command line tool ended, and everything it printed.</summary>
internal sealed record ToolRun(string Command, int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"{Command} exited with {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
