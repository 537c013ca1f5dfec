namespace Herald.EventStore;

/// <summary>The root of the event store's errors.</summary>
public class EventStoreException : Exception
{
    private readonly bool _isTransient;

    public EventStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>A storage failure; <paramref name="isTransient"/> says whether retrying may succeed.</summary>
    public EventStoreException(string message, Exception? inner, bool isTransient)
        : base(message, inner)
    {
        _isTransient = isTransient;
    }

    /// <summary>Whether retrying the same call may succeed (e.g. a dropped connection), as opposed to a programmer error.</summary>
    public virtual bool IsTransient => _isTransient;
}

/// <summary>The optimistic-concurrency check failed.</summary>
public sealed class WrongExpectedVersionException : EventStoreException
{
    public WrongExpectedVersionException(string streamId, ExpectedVersion expected, long actualVersion)
        : base($"stream '{streamId}' is at version {actualVersion}, but the append expected {expected}")
    {
        StreamId = streamId;
        Expected = expected;
        ActualVersion = actualVersion;
    }

    public string StreamId { get; }

    public ExpectedVersion Expected { get; }

    /// <summary>The stream's actual version when the append was refused.</summary>
    public long ActualVersion { get; }
}

/// <summary>The stream was deleted; it takes no more events.</summary>
public sealed class StreamDeletedException : EventStoreException
{
    public StreamDeletedException(string streamId)
        : base($"stream '{streamId}' was deleted and takes no more events")
    {
        StreamId = streamId;
    }

    public string StreamId { get; }
}

/// <summary>A stored event cannot be read back (damaged row, unreadable payload); names where.</summary>
public sealed class CorruptEventException : EventStoreException
{
    public CorruptEventException(string streamId, long streamVersion, string problem, Exception? inner = null)
        : base($"event {streamVersion} of stream '{streamId}' is corrupt: {problem}", inner)
    {
        StreamId = streamId;
        StreamVersion = streamVersion;
    }

    public string StreamId { get; }

    public long StreamVersion { get; }
}
