namespace Herald.Cdc.Connector;

/// <summary>A capture failure the operator can act on: the message says what is wrong and how to fix it.</summary>
/// <param name="message">One line: the problem and the fix.</param>
/// <param name="innerException">The underlying error, if any.</param>
public class CdcException(string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>True when retrying later may succeed without changing anything (e.g. the broker is down).</summary>
    public bool IsTransient { get; init; }
}

/// <summary>The configuration or the database setup is wrong (wal_level, permissions, unknown table, missing key).</summary>
/// <param name="message">One line: the problem and the fix.</param>
/// <param name="innerException">The underlying error, if any.</param>
public sealed class CdcConfigurationException(string message, Exception? innerException = null) : CdcException(message, innerException);
