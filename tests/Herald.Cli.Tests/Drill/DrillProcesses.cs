using System.Diagnostics;
using System.Text.Json;

namespace Herald.Cli.Tests.Drill;

/// <summary>Checks on the child processes a drill reports in its JSON (<c>processes</c>: name → process ids).</summary>
internal static class DrillProcesses
{
    /// <summary>Every process id the drill reported, by name.</summary>
    public static Dictionary<string, int[]> Of(JsonElement root) =>
        root.GetProperty("processes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(id => id.GetInt32()).ToArray());

    /// <summary>Whether a process with this id still runs (and is not a zombie left for its parent to reap).</summary>
    public static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
