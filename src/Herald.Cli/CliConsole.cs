namespace Herald.Cli;

/// <summary>The streams a command reads and writes; tests pass their own to capture output.</summary>
/// <param name="In">Standard input (records for <c>produce</c>).</param>
/// <param name="Out">Standard output: only the data a script asked for.</param>
/// <param name="Error">Standard error: errors, summaries and progress.</param>
/// <param name="OutIsTerminal">Whether <paramref name="Out"/> is a terminal, so tables may use color.</param>
/// <param name="ErrorIsTerminal">Whether <paramref name="Error"/> is a terminal, so progress can be drawn on it.</param>
/// <param name="Environment">Environment variables (secrets such as <c>HERALD_ADMIN_PASSWORD</c>); null reads the process's own.</param>
internal sealed record CliConsole(
    TextReader In,
    TextWriter Out,
    TextWriter Error,
    bool OutIsTerminal = false,
    bool ErrorIsTerminal = false,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>The value of environment variable <paramref name="name"/>, or null when it is not set.</summary>
    public string? GetEnvironmentVariable(string name) =>
        Environment is null ? System.Environment.GetEnvironmentVariable(name) : Environment.GetValueOrDefault(name);
}
