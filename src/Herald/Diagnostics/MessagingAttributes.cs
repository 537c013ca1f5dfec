namespace Herald.Diagnostics;

/// <summary>
/// Attribute names and values of OpenTelemetry's messaging semantic conventions for Kafka
/// (https://opentelemetry.io/docs/specs/semconv/messaging/kafka/), and Herald's own.
/// </summary>
internal static class MessagingAttributes
{
    public const string System = "messaging.system";
    public const string SystemKafka = "kafka";
    public const string DestinationName = "messaging.destination.name";
    public const string PartitionId = "messaging.destination.partition.id";
    public const string OperationName = "messaging.operation.name";
    public const string OperationType = "messaging.operation.type";
    public const string ConsumerGroup = "messaging.consumer.group.name";
    public const string MessageId = "messaging.message.id";
    public const string ConversationId = "messaging.message.conversation_id";
    public const string KafkaKey = "messaging.kafka.message.key";
    public const string KafkaOffset = "messaging.kafka.offset";
    public const string ErrorType = "error.type";

    public const string Send = "send";
    public const string Process = "process";

    public const string EventType = "herald.event.type";
    public const string Handler = "herald.handler";
    public const string Attempt = "herald.attempt";
    public const string Outcome = "herald.outcome";
    public const string DeadLetterReason = "herald.dead_letter.reason";
}
