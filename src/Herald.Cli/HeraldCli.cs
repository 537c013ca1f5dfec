using System.CommandLine;
using System.CommandLine.Invocation;
using Confluent.Kafka;
using Herald.Cli.Commands;

namespace Herald.Cli;

/// <summary>The <c>herald</c> command line, runnable in-process so tests can capture its output.</summary>
internal static class HeraldCli
{
    public const int Success = 0;
    public const int RuntimeFailure = 1;
    public const int UsageError = 2;

    /// <summary><c>herald lag</c> found a group over <c>--max-lag</c> or <c>--max-lag-seconds</c>, so scripts and CI can gate on it.</summary>
    public const int LimitExceeded = 2;
    public const int Interrupted = 130;

    public static RootCommand CreateRootCommand(CliConsole console)
    {
        var root = new RootCommand("Herald: a Kafka-compatible broker and schema registry in one process, and the tools to use it");
        root.Subcommands.Add(new ServeCommand(console));
        root.Subcommands.Add(new TopicCommand(console));
        root.Subcommands.Add(new ProduceCommand(console));
        root.Subcommands.Add(new ConsumeCommand(console));
        root.Subcommands.Add(new SchemaCommand(console));
        root.Subcommands.Add(new DrillCommand(console));
        root.Subcommands.Add(new DlqCommand(console));
        root.Subcommands.Add(new GroupsCommand(console));
        root.Subcommands.Add(new LagCommand(console));
        root.Subcommands.Add(new ReplayCommand(console));
        root.Subcommands.Add(new ProjectionsCommand(console));
        root.Subcommands.Add(new CdcCommand(console));
        root.Subcommands.Add(new SagasCommand(console));
        root.Subcommands.Add(new OutboxCommand(console));
        root.Subcommands.Add(new UsersCommand(console));
        return root;
    }

    /// <summary>Runs one command line with empty stdin.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default) =>
        RunAsync(args, new CliConsole(TextReader.Null, stdout, stderr), cancellationToken);

    /// <summary>Runs one command line; returns the process exit code (0 ok, 1 runtime failure, 2 usage error).</summary>
    /// <remarks>Every failure is reported as exactly one <c>error:</c> line on <see cref="CliConsole.Error"/>.</remarks>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand(console);
        var result = root.Parse(args);
        try
        {
            if (result.Action is ParseErrorAction)
            {
                await console.Error.WriteLineAsync($"error: {UsageMessage(result)}").ConfigureAwait(false);
                return UsageError;
            }

            var configuration = new InvocationConfiguration
            {
                Output = console.Out,
                Error = console.Error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            };
            return await result.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (KafkaException e)
        {
            await console.Error.WriteLineAsync($"error: {e.Error.Reason}").ConfigureAwait(false);
            return RuntimeFailure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await console.Error.WriteLineAsync("error: interrupted").ConfigureAwait(false);
            return Interrupted;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await console.Error.WriteLineAsync($"error: {e.Message.Split('\n', 2)[0].Trim()}").ConfigureAwait(false);
            return RuntimeFailure;
        }
        finally
        {
            await FlushQuietlyAsync(console.Out).ConfigureAwait(false);
            await FlushQuietlyAsync(console.Error).ConfigureAwait(false);
        }
    }

    private static async Task FlushQuietlyAsync(TextWriter writer)
    {
        try
        {
            await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // A closed pipe: the reader has everything it wanted.
        }
    }

    private static string UsageMessage(ParseResult result)
    {
        var path = new List<string>();
        for (var command = result.CommandResult; command is not null; command = command.Parent as System.CommandLine.Parsing.CommandResult)
        {
            path.Insert(0, command.Command is RootCommand ? "herald" : command.Command.Name);
        }

        // "Required command was not provided" also accompanies a mistyped command; the typo is the useful message.
        var error = result.Errors.OrderBy(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1).FirstOrDefault();
        var message = string.Join(' ', (error?.Message ?? "invalid command line").Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return $"{message.TrimEnd('.')} (see '{string.Join(' ', path)} --help')";
    }
}
