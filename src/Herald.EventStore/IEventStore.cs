namespace Herald.EventStore;

/// <summary>
/// Streams of events with optimistic concurrency, and one global feed of every event in commit order.
/// Implementations: <c>SqliteEventStore</c> (embedded default) and <c>PostgreSqlEventStore</c>,
/// tested by one compliance suite.
/// </summary>
public interface IEventStore
{
    /// <summary>Creates the tables if they do not exist.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken = default);

    /// <summary>Appends <paramref name="events"/> to <paramref name="streamId"/> atomically: all or none become visible.</summary>
    /// <exception cref="WrongExpectedVersionException">The stream is not where <paramref name="expected"/> says; carries the actual version.</exception>
    /// <exception cref="StreamDeletedException">The stream was deleted.</exception>
    /// <exception cref="EventStoreException">Invalid stream id, an oversize event, or a storage failure (nothing was appended).</exception>
    Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default);

    /// <summary>Reads a stream from <paramref name="fromVersion"/> (inclusive; for backwards reads, <c>long.MaxValue</c> = the end).</summary>
    IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion = 1, ReadDirection direction = ReadDirection.Forwards, int maxCount = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the global feed after <paramref name="afterPosition"/> (exclusive), in position order, never skipping an event
    /// that a concurrent transaction commits late: a reader that saw position N has seen every event below N.
    /// </summary>
    IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, int maxCount = int.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>The stream's version (number of events), 0 when it does not exist.</summary>
    Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stream: its events stay in the global feed, further appends are refused.</summary>
    Task DeleteStreamAsync(string streamId, ExpectedVersion expected, CancellationToken cancellationToken = default);
}
