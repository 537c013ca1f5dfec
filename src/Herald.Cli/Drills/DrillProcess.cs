using System.Diagnostics;
using System.Globalization;

namespace Herald.Cli.Drills;

/// <summary>
/// One child process of a drill (a service or a broker): its output kept for the report, a wait for the line that says it
/// is ready, and SIGKILL — the crash drills inflict on purpose. Disposing kills it if it still runs.
/// </summary>
internal sealed class DrillProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly Lock _gate = new();

    private DrillProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What the drill calls it in its report, e.g. <c>payment</c>.</summary>
    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts <c>herald <paramref name="arguments"/></c>.</summary>
    public static DrillProcess StartHerald(string name, IEnumerable<string> arguments)
    {
        var process = new Process { StartInfo = HeraldExecutable.StartInfo(arguments), EnableRaisingEvents = true };
        var child = new DrillProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Every line it printed so far, stdout and stderr interleaved (a drill's services print a few thousand at most).</summary>
    public IReadOnlyList<string> Output()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }

    /// <summary>How many lines matching <paramref name="match"/> it printed.</summary>
    public int Count(Func<string, bool> match) => Output().Count(match);

    /// <summary>Waits for a line matching <paramref name="match"/> (printed at any time since the start) and returns it.</summary>
    /// <exception cref="TimeoutException">No such line in time, or the process exited first; the message carries its last lines.</exception>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Output().FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited)
            {
                throw new TimeoutException($"{Name} exited (code {_process.ExitCode.ToString(CultureInfo.InvariantCulture)}) before {what}:\n{Tail()}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not get to {what} in {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s:\n{Tail()}");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no offset commit, no flush — a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }

        await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The last lines it printed, indented, for an error message.</summary>
    public string Tail(int lines = 30) => string.Join('\n', Output().TakeLast(lines).Select(l => "    " + l));

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }
    }
}
