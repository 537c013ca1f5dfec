namespace Herald.Cli;

/// <summary>A failure the user can act on; its message is printed as one <c>error:</c> line and the command exits 1.</summary>
internal sealed class CliException(string message, Exception? innerException = null) : Exception(message, innerException);
