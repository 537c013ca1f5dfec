namespace Herald.EventStore.Projections;

/// <summary>A projection threw on an event; names the projection and the event so the fix can start there.</summary>
public sealed class ProjectionException : EventStoreException
{
    /// <param name="projection">The projection's name.</param>
    /// <param name="failed">The event it failed on, if known (a failure in a whole batch may not name one).</param>
    /// <param name="consequence">What happened because of it, e.g. "the append was rolled back".</param>
    /// <param name="inner">What the projection threw.</param>
    public ProjectionException(string projection, RecordedEvent? failed, string consequence, Exception inner)
        : base(Describe(projection, failed, consequence, inner), inner)
    {
        Projection = projection;
        Position = failed?.GlobalPosition;
        StreamId = failed?.StreamId;
        StreamVersion = failed?.StreamVersion;
    }

    /// <summary>The projection's name.</summary>
    public string Projection { get; }

    /// <summary>The global position of the event it failed on.</summary>
    public long? Position { get; }

    /// <summary>The stream of that event.</summary>
    public string? StreamId { get; }

    /// <summary>The event's version in its stream.</summary>
    public long? StreamVersion { get; }

    internal static string Describe(string projection, RecordedEvent? failed, string consequence, Exception inner) =>
        failed is null
            ? $"projection '{projection}' failed: {inner.Message}; {consequence}"
            : $"projection '{projection}' failed at position {failed.GlobalPosition} (event {failed.StreamVersion} '{failed.EventType}' of stream '{failed.StreamId}'): {inner.Message}; {consequence}";
}
