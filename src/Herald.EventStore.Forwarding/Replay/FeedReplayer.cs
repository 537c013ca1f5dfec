using System.Data.Common;
using System.Diagnostics;
using Herald.EventStore.Projections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.EventStore.Forwarding.Replay;

/// <summary>
/// Re-reads a range of the global feed — optionally only some streams or event types — into a Kafka topic or a
/// projection. It reads through a <see cref="ReadOnlyEventStore"/>, so it cannot change the event store, and a topic
/// replay is a dry run unless <see cref="TopicReplayOptions.Execute"/> is set.
/// </summary>
/// <remarks>
/// <para>
/// Replayed records look exactly like forwarded ones (key = stream id, envelope headers with the stored
/// <c>event_id</c>, <c>stream_id</c>/<c>stream_version</c>/<c>global_position</c>), so consumers that de-duplicate on
/// <c>event_id</c> ignore events they already processed; a replay never moves a forwarder's checkpoint.
/// </para>
/// <para>
/// A projection replay applies the matching events batch by batch, each batch in one transaction on the target store
/// (tables created first with <see cref="IProjection.CreateAsync"/>). It moves no checkpoint either: use it to fill a
/// new read model or re-apply a range to one that tolerates it; <see cref="ProjectionRebuilder"/> rebuilds and swaps a
/// live one. Publishing or applying stops at the first failure; what was done before it stays done.
/// </para>
/// </remarks>
public sealed class FeedReplayer : IAsyncDisposable
{
    private readonly IProjectionStore _source;
    private readonly ILogger _logger;

    private FeedReplayer(IProjectionStore source, ILogger? logger)
    {
        _source = source;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>A replayer reading a SQLite event store read-only.</summary>
    /// <param name="connectionString">The store's Microsoft.Data.Sqlite connection string (an existing file).</param>
    /// <param name="options">Table prefix, as the writer uses it.</param>
    /// <param name="logger">Where producer errors are logged.</param>
    public static FeedReplayer ForSqlite(string connectionString, EventStoreOptions? options = null, ILogger<FeedReplayer>? logger = null) =>
        new(ReadOnlyEventStore.Sqlite(connectionString, options), logger);

    /// <summary>A replayer reading a PostgreSQL event store in read-only sessions.</summary>
    /// <param name="connectionString">The store's Npgsql connection string.</param>
    /// <param name="options">Table prefix, as the writer uses it.</param>
    /// <param name="logger">Where producer errors are logged.</param>
    public static FeedReplayer ForPostgreSql(string connectionString, EventStoreOptions? options = null, ILogger<FeedReplayer>? logger = null) =>
        new(ReadOnlyEventStore.PostgreSql(connectionString, options), logger);

    /// <summary>The read-only store the replayer reads: every write through it fails.</summary>
    public IProjectionStore Source => _source;

    /// <summary>Publishes the range to a topic — or, by default, only reports what it would publish.</summary>
    /// <param name="target">The topic, the broker, and <see cref="TopicReplayOptions.Execute"/>.</param>
    /// <param name="range">The positions and filters; the whole feed when null.</param>
    /// <param name="progress">Receives a report after every batch.</param>
    /// <param name="cancellationToken">Stops the replay between batches (what was acknowledged stays in the topic).</param>
    /// <exception cref="ForwardingException">The broker did not acknowledge an event; everything before it was published.</exception>
    public async Task<ReplaySummary> ReplayToTopicAsync(TopicReplayOptions target, ReplayOptions? range = null, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrEmpty(target.Topic);
        if (!target.Execute)
        {
            return await ScanAsync(range, null, progress, cancellationToken).ConfigureAwait(false);
        }

        ArgumentException.ThrowIfNullOrEmpty(target.BootstrapServers);
        using var publisher = new FeedPublisher(target.BootstrapServers, target.DeliveryTimeout, target.ConfigureProducer, _logger);
        return await ScanAsync(range, (batch, token) => publisher.PublishAsync(target.Topic, batch, token), progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the range to <paramref name="projection"/>'s tables in <paramref name="target"/>, batch by batch.</summary>
    /// <param name="projection">The projection to apply.</param>
    /// <param name="target">The (writable) store whose database holds the projection's tables.</param>
    /// <param name="range">The positions and filters; the whole feed when null.</param>
    /// <param name="progress">Receives a report after every batch.</param>
    /// <param name="cancellationToken">Stops the replay; the batch in progress rolls back.</param>
    /// <exception cref="ProjectionException">The projection threw; earlier batches stay applied.</exception>
    public async Task<ReplaySummary> ReplayToProjectionAsync(IProjection projection, IProjectionStore target, ReplayOptions? range = null, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(projection);
        ArgumentNullException.ThrowIfNull(target);
        (range ?? new ReplayOptions()).Validate();
        await ProjectionRunner.InTransactionAsync(target, holdAppends: false, (c, t) => projection.CreateAsync(Context(target, c, t), cancellationToken), cancellationToken).ConfigureAwait(false);
        return await ScanAsync(
            range,
            (batch, token) => ProjectionRunner.InTransactionAsync(
                target,
                holdAppends: false,
                (c, t) => ProjectionRunner.ApplyAsync(projection, Context(target, c, t), batch, $"the replay stopped before position {batch[0].GlobalPosition}", token),
                token),
            progress,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the range batch by batch, counts what matches and hands each batch of matches to <paramref name="apply"/>.</summary>
    private async Task<ReplaySummary> ScanAsync(ReplayOptions? range, Func<IReadOnlyList<RecordedEvent>, CancellationToken, Task>? apply, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        range ??= new ReplayOptions();
        range.Validate();
        var stopwatch = Stopwatch.StartNew();
        // A fixed end: appends during the replay do not make it run on forever.
        var to = range.To ?? await _source.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        var types = range.EventTypes is { Count: > 0 } wanted ? new HashSet<string>(wanted, StringComparer.Ordinal) : null;
        var perType = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var streams = new HashSet<string>(StringComparer.Ordinal);
        long read = 0, replayed = 0;
        long? first = null, last = null;
        var position = range.From - 1;
        while (position < to)
        {
            var batch = await _source.ReadAllAsync(position, range.BatchSize, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
            var inRange = batch.TakeWhile(e => e.GlobalPosition <= to).ToList();
            if (inRange.Count == 0)
            {
                break;
            }

            var matches = inRange.Where(e => Matches(e, range.StreamPrefix, types)).ToList();
            if (matches.Count > 0 && apply is not null)
            {
                await apply(matches, cancellationToken).ConfigureAwait(false);
            }

            foreach (var e in matches)
            {
                perType[e.EventType] = perType.GetValueOrDefault(e.EventType) + 1;
                streams.Add(e.StreamId);
            }

            read += inRange.Count;
            replayed += matches.Count;
            first ??= matches.Count > 0 ? matches[0].GlobalPosition : null;
            last = matches.Count > 0 ? matches[^1].GlobalPosition : last;
            position = inRange[^1].GlobalPosition;
            progress?.Report(new ReplayProgress(position, range.From, to, read, replayed, stopwatch.Elapsed));
            if (inRange.Count < batch.Count || batch.Count < range.BatchSize)
            {
                break;
            }
        }

        return new ReplaySummary(apply is not null, range.From, to, read, replayed, first, last, streams.Count, perType, stopwatch.Elapsed);
    }

    private static bool Matches(RecordedEvent recorded, string? streamPrefix, HashSet<string>? types) =>
        !ProjectionRunner.IsSystemStream(recorded.StreamId)
        && (streamPrefix is null || recorded.StreamId.StartsWith(streamPrefix, StringComparison.Ordinal))
        && (types is null || types.Contains(recorded.EventType));

    private static ProjectionContext Context(IProjectionStore store, DbConnection connection, DbTransaction transaction) =>
        new(connection, transaction, store.Dialect, null);

    public async ValueTask DisposeAsync()
    {
        if (_source is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }
}
