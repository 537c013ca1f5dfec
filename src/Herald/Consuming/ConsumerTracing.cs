using System.Diagnostics;
using System.Globalization;
using Herald.Diagnostics;
using Herald.Pii;

namespace Herald.Consuming;

/// <summary>
/// The consumer host's spans: one <c>process {topic}</c> span (kind Consumer) per record, a child of the context the record
/// was published in and linked to it, and under it one span per handler run (kind Internal), the current activity while
/// the handler runs.
/// </summary>
internal static class ConsumerTracing
{
    private static readonly ActivitySource Source = new(HeraldDiagnostics.ConsumerSourceName, typeof(ConsumerTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the record's process span and makes it current; null when no listener samples it.</summary>
    public static Activity? StartProcess(ConsumerRegistration registration, DecodedRecord record)
    {
        // The poll loop's own context (whoever started the host) is no parent of a record's processing: only the record's
        // creation context is, and a record without one starts a trace of its own.
        Activity.Current = null;
        if (!Source.HasListeners())
        {
            return null;
        }

        var message = record.Record;
        var parent = TraceContextHeaders.Extract(message.Message.Headers, out var baggage);
        var activity = Source.StartActivity(
            $"{MessagingAttributes.Process} {message.Topic}",
            ActivityKind.Consumer,
            parent,
            tags:
            [
                new(MessagingAttributes.System, MessagingAttributes.SystemKafka),
                new(MessagingAttributes.DestinationName, message.Topic),
                new(MessagingAttributes.PartitionId, message.Partition.Value.ToString(CultureInfo.InvariantCulture)),
                new(MessagingAttributes.ConsumerGroup, registration.Group),
                new(MessagingAttributes.OperationName, MessagingAttributes.Process),
                new(MessagingAttributes.OperationType, MessagingAttributes.Process),
            ],
            links: parent == default ? null : [new ActivityLink(parent)]);
        if (activity is null)
        {
            return null;
        }

        foreach (var (key, value) in baggage ?? [])
        {
            activity.AddBaggage(key, value);
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MessagingAttributes.KafkaOffset, message.Offset.Value);
            if (message.Message.Key is { } key)
            {
                activity.SetTag(MessagingAttributes.KafkaKey, PiiMasker.Apply(key, record.PiiValues));
            }

            if (record.Envelope is { } envelope)
            {
                activity.SetTag(MessagingAttributes.MessageId, envelope.EventId.ToString());
                activity.SetTag(MessagingAttributes.EventType, envelope.EventType);
                activity.SetTag(MessagingAttributes.ConversationId, envelope.CorrelationId);
            }
        }

        return activity;
    }

    /// <summary>Starts the span of one handler run under the current process span and makes it current.</summary>
    public static Activity? StartHandler(ConsumerRegistration registration, DecodedRecord record, int attempt)
    {
        var activity = Source.StartActivity($"handle {record.Envelope!.EventType}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.Handler, registration.HandlerType.FullName);
            activity.SetTag(MessagingAttributes.EventType, record.Envelope.EventType);
            activity.SetTag(MessagingAttributes.Attempt, attempt);
        }

        return activity;
    }

    /// <summary>Records how the record ended (<see cref="ConsumerOutcomes"/>).</summary>
    public static void SetOutcome(Activity? activity, string outcome) => activity?.SetTag(MessagingAttributes.Outcome, outcome);

    /// <summary>Marks the process span of a dead-lettered record failed: the exception type (else the reason) and the masked message.</summary>
    public static void DeadLettered(Activity? activity, string reason, string? exceptionType, string maskedMessage)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(MessagingAttributes.Outcome, ConsumerOutcomes.DeadLetter);
        activity.SetTag(MessagingAttributes.DeadLetterReason, reason);
        Fail(activity, string.IsNullOrEmpty(exceptionType) ? reason : exceptionType, $"{reason}: {maskedMessage}");
    }

    /// <summary>Marks a span failed with the exception's type and its message, PII masked (never the stack trace).</summary>
    public static void Fail(Activity? activity, Exception exception, DecodedRecord record) =>
        Fail(activity, exception.GetType().FullName ?? exception.GetType().Name, PiiMasker.Apply(exception.Message, record.PiiValues));

    private static void Fail(Activity? activity, string errorType, string? description)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag(MessagingAttributes.ErrorType, errorType);
        activity.SetStatus(ActivityStatusCode.Error, description);
    }
}
