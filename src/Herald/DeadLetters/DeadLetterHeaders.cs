namespace Herald.DeadLetters;

/// <summary>The Kafka headers a dead letter carries (never the payload's values) and the ones redrive adds.</summary>
public static class DeadLetterHeaders
{
    /// <summary>Why: one of <see cref="DeadLetterReasons"/>.</summary>
    public const string Reason = "herald.dlq.reason";
    public const string ExceptionType = "herald.dlq.exception_type";

    /// <summary>The exception message with PII values masked.</summary>
    public const string ExceptionMessage = "herald.dlq.exception_message";
    public const string OriginalTopic = "herald.dlq.original_topic";
    public const string OriginalPartition = "herald.dlq.original_partition";
    public const string OriginalOffset = "herald.dlq.original_offset";

    /// <summary>The original record's timestamp, Unix milliseconds.</summary>
    public const string OriginalTimestamp = "herald.dlq.original_timestamp";
    public const string ConsumerGroup = "herald.dlq.consumer_group";
    public const string Attempts = "herald.dlq.attempts";

    /// <summary>When it was dead-lettered, ISO 8601 UTC.</summary>
    public const string FailedAt = "herald.dlq.failed_at";

    /// <summary>On a redriven record: <c>{dlq topic}:{partition}:{offset}</c> of the dead letter it came from.</summary>
    public const string RedrivenFrom = "herald.redrive.from";

    /// <summary>On a redriven record: the reason the person gave.</summary>
    public const string RedriveReason = "herald.redrive.reason";

    /// <summary>The dead-letter topic of <paramref name="topic"/>.</summary>
    public static string TopicFor(string topic) => topic + ".dlq";

    /// <summary>The topic redrive writes its audit records to.</summary>
    public const string AuditTopic = "herald.audit";
}

/// <summary>Values of <see cref="DeadLetterHeaders.Reason"/>.</summary>
public static class DeadLetterReasons
{
    /// <summary>The handler kept failing until the retry policy gave up.</summary>
    public const string HandlerFailed = "handler-failed";

    /// <summary>The payload could not be deserialized: retrying cannot help.</summary>
    public const string DeserializationFailed = "deserialization-failed";

    /// <summary>No handler knows the record's event type, or a required envelope header is missing.</summary>
    public const string UnknownEvent = "unknown-event";

    /// <summary>The attempts counted before an earlier crash already reached the limit.</summary>
    public const string AttemptsExhausted = "attempts-exhausted";
}
