using System.Text;

namespace Herald.Cli.Tests;

/// <summary>What one in-process run of <c>herald</c> printed and returned.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <param name="environment">The environment variables the command sees; null for the process's own.</param>
    public static async Task<CliRun> RunAsync(string[] args, string? stdin = null, CancellationToken cancellationToken = default, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var console = new CliConsole(new StringReader(stdin ?? string.Empty), stdout, stderr, Environment: environment);
        var exitCode = await HeraldCli.RunAsync(args, console, cancellationToken);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    public static string Lines(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
