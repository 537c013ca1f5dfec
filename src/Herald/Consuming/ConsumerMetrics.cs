using System.Diagnostics;
using System.Diagnostics.Metrics;
using Herald.Diagnostics;

namespace Herald.Consuming;

/// <summary>Counters of one consumer host (all groups), for tests, logs and metrics.</summary>
/// <remarks>
/// The same outcomes are measured on the <c>Herald.Sdk</c> meter (<see cref="HeraldDiagnostics.MeterName"/>):
/// <c>herald.consumer.handled</c>, <c>herald.consumer.duplicates_skipped</c>, <c>herald.consumer.retries</c>,
/// <c>herald.consumer.dead_lettered</c> and the <c>herald.consumer.handler.duration</c> histogram (seconds), tagged with
/// <c>messaging.consumer.group.name</c>, <c>messaging.destination.name</c> and, when the event was read,
/// <c>herald.event.type</c>.
/// </remarks>
public sealed class ConsumerMetrics
{
    // Handlers run from milliseconds (a database write) to seconds (a remote call); OpenTelemetry's default buckets assume milliseconds.
    private static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30];

    private readonly Counter<long> _handledCounter;
    private readonly Counter<long> _duplicatesCounter;
    private readonly Counter<long> _retriesCounter;
    private readonly Counter<long> _deadLetteredCounter;
    private readonly Histogram<double> _handlerDuration;
    private long _handled;
    private long _duplicates;
    private long _deadLettered;
    private long _failedAttempts;

    /// <summary>Creates the counters on a process-wide <c>Herald.Sdk</c> meter.</summary>
    public ConsumerMetrics()
        : this(meterFactory: null)
    {
    }

    /// <summary>Creates the counters on the <c>Herald.Sdk</c> meter of <paramref name="meterFactory"/> (null: a process-wide meter).</summary>
    public ConsumerMetrics(IMeterFactory? meterFactory)
    {
        var meter = SdkMeter.Create(meterFactory);
        _handledCounter = meter.CreateCounter<long>("herald.consumer.handled", "{event}", "Events whose handler ran and committed.");
        _duplicatesCounter = meter.CreateCounter<long>("herald.consumer.duplicates_skipped", "{event}", "Redelivered events skipped because the inbox already had them.");
        _retriesCounter = meter.CreateCounter<long>("herald.consumer.retries", "{attempt}", "Handler runs that failed and will be retried.");
        _deadLetteredCounter = meter.CreateCounter<long>("herald.consumer.dead_lettered", "{event}", "Events written to the dead-letter topic.");
        _handlerDuration = meter.CreateHistogram(
            "herald.consumer.handler.duration",
            "s",
            "How long one handler run took, failed runs included (tagged with error.type).",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Events whose handler ran and committed.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Redelivered events skipped because the inbox already had them.</summary>
    public long DuplicatesSkipped => Interlocked.Read(ref _duplicates);

    /// <summary>Events sent to a dead-letter topic.</summary>
    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Handler runs that threw.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Raised after an event's outcome (handled, duplicate or dead letter) is committed to the inbox or DLQ, before its offset is committed.</summary>
    public event Action<ProcessedEvent>? Processed;

    internal void OnHandled(ConsumerRegistration registration, DecodedRecord record)
    {
        Interlocked.Increment(ref _handled);
        _handledCounter.Add(1, Tags(registration, record));
        Processed?.Invoke(Outcome(registration, record, ConsumerOutcomes.Handled));
    }

    internal void OnDuplicate(ConsumerRegistration registration, DecodedRecord record)
    {
        Interlocked.Increment(ref _duplicates);
        _duplicatesCounter.Add(1, Tags(registration, record));
        Processed?.Invoke(Outcome(registration, record, ConsumerOutcomes.Duplicate));
    }

    internal void OnDeadLettered(ConsumerRegistration registration, DecodedRecord record, string reason)
    {
        Interlocked.Increment(ref _deadLettered);
        var tags = Tags(registration, record);
        tags.Add(MessagingAttributes.DeadLetterReason, reason);
        _deadLetteredCounter.Add(1, tags);
        Processed?.Invoke(Outcome(registration, record, ConsumerOutcomes.DeadLetter));
    }

    /// <summary>A handler run threw; <paramref name="willRetry"/> is false on the last attempt the retry policy allows.</summary>
    internal void OnFailedAttempt(ConsumerRegistration registration, DecodedRecord record, bool willRetry)
    {
        Interlocked.Increment(ref _failedAttempts);
        if (willRetry)
        {
            _retriesCounter.Add(1, Tags(registration, record));
        }
    }

    internal void OnHandlerRun(ConsumerRegistration registration, DecodedRecord record, TimeSpan elapsed, Exception? error)
    {
        if (!_handlerDuration.Enabled)
        {
            return;
        }

        var tags = Tags(registration, record);
        if (error is not null)
        {
            tags.Add(MessagingAttributes.ErrorType, error.GetType().FullName);
        }

        _handlerDuration.Record(elapsed.TotalSeconds, tags);
    }

    private static TagList Tags(ConsumerRegistration registration, DecodedRecord record)
    {
        var tags = new TagList
        {
            { MessagingAttributes.ConsumerGroup, registration.Group },
            { MessagingAttributes.DestinationName, record.Record.Topic },
        };
        if ((record.Envelope?.EventType ?? record.Contract?.EventType) is { } eventType)
        {
            tags.Add(MessagingAttributes.EventType, eventType);
        }

        return tags;
    }

    private static ProcessedEvent Outcome(ConsumerRegistration registration, DecodedRecord record, string outcome) =>
        new(registration.Group, record.Record.Topic, record.Record.Partition.Value, record.Record.Offset.Value, record.Envelope?.EventId, outcome);
}

/// <summary>What happened to one record.</summary>
public sealed record ProcessedEvent(string ConsumerGroup, string Topic, int Partition, long Offset, Guid? EventId, string Outcome);
