namespace Herald.Consuming;

/// <summary>Counters of one consumer host (all groups), for tests, logs and metrics.</summary>
public sealed class ConsumerMetrics
{
    private long _handled;
    private long _duplicates;
    private long _deadLettered;
    private long _failedAttempts;

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

    internal void OnHandled(ProcessedEvent e)
    {
        Interlocked.Increment(ref _handled);
        Processed?.Invoke(e);
    }

    internal void OnDuplicate(ProcessedEvent e)
    {
        Interlocked.Increment(ref _duplicates);
        Processed?.Invoke(e);
    }

    internal void OnDeadLettered(ProcessedEvent e)
    {
        Interlocked.Increment(ref _deadLettered);
        Processed?.Invoke(e);
    }

    internal void OnFailedAttempt() => Interlocked.Increment(ref _failedAttempts);
}

/// <summary>What happened to one record.</summary>
public sealed record ProcessedEvent(string ConsumerGroup, string Topic, int Partition, long Offset, Guid? EventId, string Outcome);
