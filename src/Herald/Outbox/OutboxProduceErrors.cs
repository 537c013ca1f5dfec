using Confluent.Kafka;

namespace Herald.Outbox;

/// <summary>Which producer errors say "this record can never be published as it is", as opposed to "the broker is unwell".</summary>
internal static class OutboxProduceErrors
{
    /// <summary>
    /// Too large, malformed, an invalid or unknown topic, or not authorized: retrying the same record gives the same
    /// answer, so it counts toward <see cref="OutboxRelayOptions.PoisonAttempts"/> instead of the circuit breaker.
    /// </summary>
    public static bool IsPermanent(Error error) => !error.IsFatal && error.Code is
        ErrorCode.MsgSizeTooLarge or ErrorCode.InvalidMsgSize
        or ErrorCode.RecordListTooLarge or ErrorCode.InvalidRecord or ErrorCode.InvalidMsg or ErrorCode.Local_BadMsg
        or ErrorCode.InvalidTimestamp or ErrorCode.UnsupportedForMessageFormat or ErrorCode.Local_InvalidArg
        or ErrorCode.TopicException or ErrorCode.Local_UnknownTopic
        or ErrorCode.TopicAuthorizationFailed or ErrorCode.ClusterAuthorizationFailed;

    /// <summary>The error as one line for logs and the dead table: code and the broker's or client's reason (never payload values).</summary>
    public static string Describe(Error error) => $"{error.Code}: {error.Reason}";
}
