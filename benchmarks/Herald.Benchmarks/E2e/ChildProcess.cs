using System.Collections.Concurrent;
using System.Diagnostics;

namespace Herald.Benchmarks.E2e;

/// <summary>
/// A broker started as a child process: waits for its ready line, keeps the last lines of its output for error
/// messages, reads its peak RSS, and kills it (and its children) on dispose, on Ctrl-C and at process exit.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, bool> Live = new();
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, bool> _isReadyLine;

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    private ChildProcess(Process process, Func<string, bool> isReadyLine)
    {
        _process = process;
        _isReadyLine = isReadyLine;
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> and waits until a line of stdout or stderr satisfies <paramref name="isReadyLine"/>.</summary>
    /// <exception cref="InvalidOperationException">The process exited or did not get ready within <paramref name="timeout"/>.</exception>
    public static async Task<ChildProcess> StartAsync(
        string fileName, IEnumerable<string> arguments, Func<string, bool> isReadyLine, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process, isReadyLine);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) =>
        {
            process.WaitForExit(); // drains the redirected output, so the tail holds the last words
            child._ready.TrySetException(new InvalidOperationException(
                $"{Path.GetFileName(fileName)} exited with code {process.ExitCode} before it was ready: {child.LastLine()}{Environment.NewLine}{child.Tail()}"));
        };
        process.Start();
        Live[child] = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await child._ready.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} was not ready within {timeout.TotalSeconds:0} s: {child.LastLine()}{Environment.NewLine}{child.Tail()}");
        }
        catch
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return child;
    }

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Peak resident set size (VmHWM) in bytes, or null once the process has exited.</summary>
    public long? PeakRssBytes() => ProcessMemory.PeakRssBytes(_process.Id);

    /// <summary>The last non-empty line the process printed, or a note that it printed nothing.</summary>
    public string LastLine() => _tail.LastOrDefault(l => l.Trim().Length > 0) ?? "(no output)";

    /// <summary>The last lines the process printed.</summary>
    public string Tail() => string.Join(Environment.NewLine, _tail);

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _tail.Enqueue(line);
        while (_tail.Count > 40 && _tail.TryDequeue(out _))
        {
        }

        if (_isReadyLine(line))
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>Kills the process tree and waits for it to exit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!Live.TryRemove(this, out _))
        {
            return;
        }

        Kill(_process);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _process.Dispose();
    }

    /// <summary>Kills every child still running (Ctrl-C, unhandled exception, process exit).</summary>
    public static void KillAll()
    {
        foreach (var child in Live.Keys)
        {
            Kill(child._process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
