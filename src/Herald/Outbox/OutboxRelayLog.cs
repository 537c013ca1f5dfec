using Microsoft.Extensions.Logging;

namespace Herald.Outbox;

/// <summary>The relay's log messages. Keys and payloads are never logged: they may carry personal data.</summary>
internal static partial class OutboxRelayLog
{
    [LoggerMessage(1, LogLevel.Information, "Outbox relay '{Relay}' holds the lease as {Owner}; publishing from {Cursor}")]
    public static partial void LeaseAcquired(ILogger logger, string relay, string owner, OutboxPosition cursor);

    [LoggerMessage(2, LogLevel.Warning, "Outbox relay '{Relay}' lost its lease ({Owner}); another instance publishes now")]
    public static partial void LeaseLost(ILogger logger, string relay, string owner);

    [LoggerMessage(3, LogLevel.Warning, "Outbox relay '{Relay}': no acknowledgement for {Rows} row(s) within {Timeout}; the broker looks unavailable, rows stay queued in order")]
    public static partial void DeliveryStalled(ILogger logger, string relay, int rows, TimeSpan timeout);

    [LoggerMessage(4, LogLevel.Warning, "Outbox relay '{Relay}': circuit breaker opened for {Duration}; writes keep committing to the outbox")]
    public static partial void BreakerOpened(ILogger logger, string relay, TimeSpan duration);

    [LoggerMessage(5, LogLevel.Information, "Outbox relay '{Relay}': circuit breaker closed; draining the backlog in order")]
    public static partial void BreakerClosed(ILogger logger, string relay);

    [LoggerMessage(6, LogLevel.Warning, "Outbox relay '{Relay}': event {EventId} ({EventType}) to topic {Topic} failed with a permanent error, attempt {Attempt} of {MaxAttempts}: {Error}")]
    public static partial void PermanentFailure(ILogger logger, string relay, Guid eventId, string eventType, string topic, int attempt, int maxAttempts, string error);

    [LoggerMessage(7, LogLevel.Error, "Outbox relay '{Relay}': event {EventId} ({EventType}) to topic {Topic} moved to the dead table after {Attempts} attempts; later events of its key were published without it: {Error}")]
    public static partial void DeadLettered(ILogger logger, string relay, Guid eventId, string eventType, string topic, int attempts, string error);

    [LoggerMessage(8, LogLevel.Warning, "Outbox relay '{Relay}': event {EventId} to topic {Topic} failed, retrying from it: {Error}")]
    public static partial void TransientFailure(ILogger logger, string relay, Guid eventId, string topic, string error);

    [LoggerMessage(9, LogLevel.Error, "Outbox relay '{Relay}' failed; retrying")]
    public static partial void RelayFailed(ILogger logger, string relay, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Outbox relay '{Relay}': reading the outbox status failed")]
    public static partial void StatusFailed(ILogger logger, string relay, Exception exception);

    [LoggerMessage(11, LogLevel.Warning, "Outbox relay '{Relay}': backlog over its limits ({Rows} rows, oldest {Age} old; limits {MaxRows} rows, {MaxAge})")]
    public static partial void BacklogExceeded(ILogger logger, string relay, long rows, TimeSpan age, long maxRows, TimeSpan maxAge);

    [LoggerMessage(12, LogLevel.Error, "Outbox relay '{Relay}': the producer failed fatally ({Error}); starting a new one")]
    public static partial void ProducerFatal(ILogger logger, string relay, string error);
}
