using System.Runtime.InteropServices;

namespace Herald.Benchmarks.E2e;

/// <summary><c>e2e</c>: parses options, runs every row, prints the Markdown report and writes it to <c>--out</c>.</summary>
public static class E2eCommand
{
    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(E2eOptions.Usage);
            return 0;
        }

        E2eOptions options;
        try
        {
            options = E2eOptions.Parse(args);
            if (options.Sizes.Any(s => s < LatencyPayload.MinimumSize))
            {
                throw new ArgumentException($"--size must be at least {LatencyPayload.MinimumSize} (the latency header)");
            }
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(E2eOptions.Usage);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // The first SIGINT/SIGTERM stops the run, which then stops its brokers and deletes its temp folders;
            // a second one ends the rig at once, after killing the brokers and deleting the folders here.
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                Console.Error.WriteLine($"{context.Signal}: stopping brokers and deleting temp folders…");
                cancel.Cancel();
                return;
            }

            ChildProcess.KillAll();
            Scratch.DeleteAll();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        try
        {
            var rows = await new E2eRunner(options).RunAsync(cancel.Token).ConfigureAwait(false);
            var markdown = Report.Markdown(options, rows);
            Console.WriteLine();
            Console.WriteLine(markdown);
            if (options.Out is { } path)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
                await File.WriteAllTextAsync(path, markdown, CancellationToken.None).ConfigureAwait(false);
                Console.Error.WriteLine($"wrote {path}");
            }

            return rows.Any(r => r.Error is not null) ? 1 : 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            ChildProcess.KillAll();
            Scratch.DeleteAll();
        }
    }
}
