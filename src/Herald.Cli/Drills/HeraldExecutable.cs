using System.Diagnostics;

namespace Herald.Cli.Drills;

/// <summary>How to start this same <c>herald</c> as a child process, whether it runs as its apphost, as <c>dotnet herald.dll</c>, or in a test host.</summary>
internal static class HeraldExecutable
{
    /// <summary>A start info that runs <c>herald <paramref name="arguments"/></c> with stdout and stderr redirected.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var self = Environment.ProcessPath;
        ProcessStartInfo start;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("herald", StringComparison.OrdinalIgnoreCase))
        {
            start = new ProcessStartInfo(self);
        }
        else
        {
            // `dotnet herald.dll`, or the CLI running in-process in a test host: herald.dll and its runtimeconfig sit in
            // the same folder, and the muxer that runs this process (or the one on PATH) runs it.
            start = new ProcessStartInfo(DotnetHost());
            start.ArgumentList.Add(typeof(HeraldCli).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = false;
        start.UseShellExecute = false;
        return start;
    }

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }
}
