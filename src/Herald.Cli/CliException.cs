namespace Herald.Cli;

/// <summary>A failure the user can act on; its message is printed as one <c>error:</c> line and the command exits <see cref="ExitCode"/>.</summary>
internal sealed class CliException(string message, Exception? innerException = null, int exitCode = HeraldCli.RuntimeFailure) : Exception(message, innerException)
{
    /// <summary>1 for a runtime failure; 2 when the input itself is wrong (an unreadable file, an invalid schema).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Bad input found after parsing the command line: exits 2 like a usage error.</summary>
    public static CliException BadInput(string message, Exception? innerException = null) => new(message, innerException, HeraldCli.UsageError);
}
