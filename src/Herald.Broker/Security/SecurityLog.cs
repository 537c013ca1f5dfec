using Microsoft.Extensions.Logging;

namespace Herald.Broker.Security;

/// <summary>Every log line of the security code. None carries a password or a SASL token.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "SASL {Mechanism} login failed for user '{User}' from {Host}: {Reason}; answering after {DelayMs} ms")]
    public static partial void LoginFailed(this ILogger logger, string mechanism, string user, string host, string reason, long delayMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "User '{User}' authenticated from {Host} with {Mechanism}")]
    public static partial void LoggedIn(this ILogger logger, string user, string host, string mechanism);

    [LoggerMessage(Level = LogLevel.Information, Message = "User '{User}' re-authenticated from {Host} with {Mechanism}")]
    public static partial void Reauthenticated(this ILogger logger, string user, string host, string mechanism);

    [LoggerMessage(Level = LogLevel.Information, Message = "Administrator '{User}' has SCRAM-SHA-256 and SCRAM-SHA-512 credentials ({Iterations} iterations)")]
    public static partial void AdministratorSet(this ILogger logger, string user, int iterations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SASL authentication is on but no user exists: no client can connect. Start with --admin-user NAME and HERALD_ADMIN_PASSWORD set")]
    public static partial void NoUsers(this ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "SCRAM credentials could not be written to the data folder; nothing was changed")]
    public static partial void CredentialsNotSaved(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "SCRAM credentials changed by '{Principal}' from {Host}: {Changes}")]
    public static partial void CredentialsChanged(this ILogger logger, string principal, string host, string changes);
}
