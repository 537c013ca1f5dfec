using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.Diagnostics;
using Herald.Pii;

namespace Herald.Publishing;

/// <summary>The publisher's <c>send {topic}</c> spans and its <c>herald.publisher.published</c> counter.</summary>
internal sealed class PublisherTelemetry
{
    private static readonly ActivitySource Source = new(HeraldDiagnostics.PublisherSourceName, typeof(PublisherTelemetry).Assembly.GetName().Version?.ToString());

    private readonly Counter<long> _published;

    public PublisherTelemetry(IMeterFactory? meterFactory)
    {
        _published = SdkMeter.Create(meterFactory).CreateCounter<long>(
            "herald.publisher.published", "{event}", "Events the broker acknowledged (acks=all).");
    }

    /// <summary>Starts the span whose context travels in the record's headers; null when no listener samples it.</summary>
    public static Activity? StartSend(string topic, string? key, EventContract contract, object @event, Guid eventId, string correlationId)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity(
            $"{MessagingAttributes.Send} {topic}",
            ActivityKind.Producer,
            parentContext: default,
            tags:
            [
                new(MessagingAttributes.System, MessagingAttributes.SystemKafka),
                new(MessagingAttributes.DestinationName, topic),
                new(MessagingAttributes.OperationName, MessagingAttributes.Send),
                new(MessagingAttributes.OperationType, MessagingAttributes.Send),
            ]);
        if (activity is { IsAllDataRequested: true })
        {
            if (key is not null)
            {
                // A key may be a [Pii] value (an email as the entity id); traces leave the process like logs do.
                activity.SetTag(MessagingAttributes.KafkaKey, PiiMasker.Apply(key, contract.PiiValuesOf(@event)));
            }

            activity.SetTag(MessagingAttributes.MessageId, eventId.ToString());
            activity.SetTag(MessagingAttributes.ConversationId, correlationId);
            activity.SetTag(MessagingAttributes.EventType, contract.EventType);
        }

        return activity;
    }

    public void Sent(Activity? activity, DeliveryResult<string?, byte[]> delivery, string eventType)
    {
        _published.Add(1, new KeyValuePair<string, object?>(MessagingAttributes.DestinationName, delivery.Topic), new(MessagingAttributes.EventType, eventType));
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MessagingAttributes.PartitionId, delivery.Partition.Value.ToString(CultureInfo.InvariantCulture));
            activity.SetTag(MessagingAttributes.KafkaOffset, delivery.Offset.Value);
        }
    }

    /// <remarks>The broker's reason, or only the exception type: other messages may carry payload values.</remarks>
    public static void Failed(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        var produce = exception as ProduceException<string?, byte[]>;
        var type = produce?.Error.Code.ToString() ?? exception.GetType().FullName;
        activity.SetTag(MessagingAttributes.ErrorType, type);
        activity.SetStatus(ActivityStatusCode.Error, produce?.Error.Reason ?? type);
    }
}
