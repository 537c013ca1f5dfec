using System.Text.Encodings.Web;
using System.Text.Json;
using Herald.EventStore.Forwarding.Replay;
using Spectre.Console;

namespace Herald.Cli;

/// <summary>How commands write JSON, tables and progress.</summary>
internal static class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions IndentedJsonOptions = new(JsonOptions) { WriteIndented = true };

    /// <summary>One JSON value on one line (for streams of records).</summary>
    public static string ToJsonLine<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    /// <summary>One JSON document, indented, followed by a newline.</summary>
    public static void WriteJson<T>(TextWriter writer, T value) => writer.WriteLine(JsonSerializer.Serialize(value, IndentedJsonOptions));

    /// <summary>Renders a Spectre.Console widget to <paramref name="writer"/>, colored only when it is a terminal.</summary>
    public static void Render(TextWriter writer, Spectre.Console.Rendering.IRenderable renderable, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Write(renderable);
    }

    /// <summary>Renders a table to stdout: colored on a terminal, otherwise plain and unwrapped so scripts and logs see one row per line.</summary>
    public static void RenderToOut(CliConsole console, Spectre.Console.Rendering.IRenderable renderable)
    {
        if (console.OutIsTerminal)
        {
            Render(console.Out, renderable, isTerminal: true);
            return;
        }

        var plain = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        plain.Profile.Width = 400;
        plain.Write(renderable);
    }

    /// <summary>Writes one line of Spectre markup: colored on a terminal, plain and never wrapped otherwise (CI logs, pipes).</summary>
    public static void WriteMarkupLine(TextWriter writer, string markup, bool isTerminal)
    {
        if (isTerminal)
        {
            Render(writer, new Markup(markup + "\n"), isTerminal);
        }
        else
        {
            writer.WriteLine(Markup.Remove(markup));
        }
    }

    /// <summary>Runs <paramref name="work"/> with a live status line on stderr when it is a terminal; otherwise silently.</summary>
    /// <remarks>The callback passed to <paramref name="work"/> updates the status text and may be called from any thread.</remarks>
    public static async Task<T> WithStatusAsync<T>(CliConsole console, string initial, Func<Action<string>, Task<T>> work)
    {
        if (!console.ErrorIsTerminal)
        {
            return await work(static _ => { }).ConfigureAwait(false);
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Error),
            Interactive = InteractionSupport.Yes,
        });
        return await terminal.Status().StartAsync(initial, context => work(text => context.Status(Markup.Escape(text)))).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress bar on stderr when it is a terminal; otherwise silently.
    /// <paramref name="work"/> gets the <see cref="IProgress{T}"/> to report to.
    /// </summary>
    public static async Task<T> WithProgressAsync<T>(CliConsole console, string description, Func<IProgress<ReplayProgress>?, Task<T>> work)
    {
        if (!console.ErrorIsTerminal)
        {
            return await work(null).ConfigureAwait(false);
        }

        var terminal = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Error),
            Interactive = InteractionSupport.Yes,
        });
        return await terminal.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                // Spectre's task is thread-safe; reports may come from any thread.
                var progress = new SynchronousProgress(p => task.Value = p.Fraction);
                var value = await work(progress).ConfigureAwait(false);
                task.Value = task.MaxValue;
                return value;
            }).ConfigureAwait(false);
    }

    private sealed class SynchronousProgress(Action<ReplayProgress> report) : IProgress<ReplayProgress>
    {
        public void Report(ReplayProgress value) => report(value);
    }
}
