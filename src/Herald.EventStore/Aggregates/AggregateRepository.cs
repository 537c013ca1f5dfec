using System.Text.Json;
using Herald.EventStore.Serialization;

namespace Herald.EventStore.Aggregates;

/// <summary>
/// Loads aggregates by folding their events (from the latest usable snapshot on), and appends new events with an
/// exact expected version. Snapshots live in a system stream <c>$snapshot-{stream}</c> of the same store, so both
/// stores support them without extra tables; readers of the global feed skip streams that start with <c>$</c>.
/// </summary>
public sealed class AggregateRepository<T>
    where T : class, IAggregate, new()
{
    private const string SnapshotType = "$snapshot";
    private readonly IEventStore _store;
    private readonly EventTypeMap _types;
    private readonly SnapshotOptions _snapshots;

    public AggregateRepository(IEventStore store, EventTypeMap types, SnapshotOptions? snapshots = null)
    {
        _store = store;
        _types = types;
        _snapshots = snapshots ?? new SnapshotOptions();
    }

    /// <summary>The snapshot stream of <paramref name="streamId"/>.</summary>
    public static string SnapshotStream(string streamId) => "$snapshot-" + streamId;

    /// <summary>Loads the aggregate of <paramref name="streamId"/> (an empty state at version 0 if the stream does not exist).</summary>
    public async Task<Loaded<T>> LoadAsync(string streamId, bool useSnapshots = true, CancellationToken cancellationToken = default)
    {
        var state = new T();
        long version = 0;
        bool fromSnapshot = false;
        if (useSnapshots && _snapshots.Every > 0)
        {
            await foreach (var snapshot in _store.ReadStreamAsync(SnapshotStream(streamId), long.MaxValue, ReadDirection.Backwards, 1, cancellationToken).ConfigureAwait(false))
            {
                // A snapshot of another schema version is ignored: rebuild from the events instead.
                if (snapshot.EventType == SnapshotType && snapshot.SchemaVersion == _snapshots.SchemaVersion
                    && JsonSerializer.Deserialize<SnapshotEnvelope>(snapshot.Data.Span, _types.JsonOptions) is { } envelope
                    && envelope.State.Deserialize<T>(_types.JsonOptions) is { } restored)
                {
                    state = restored;
                    version = envelope.Version;
                    fromSnapshot = true;
                }
            }
        }

        int folded = 0;
        await foreach (var recorded in _store.ReadStreamAsync(streamId, version + 1, ReadDirection.Forwards, int.MaxValue, cancellationToken).ConfigureAwait(false))
        {
            state.Apply(_types.Deserialize(recorded));
            version = recorded.StreamVersion;
            folded++;
        }

        return new Loaded<T>(state, version, folded, fromSnapshot);
    }

    /// <summary>Appends <paramref name="events"/> expecting the stream at <paramref name="expectedVersion"/>; snapshots when a multiple of <see cref="SnapshotOptions.Every"/> is crossed.</summary>
    public async Task<AppendResult> AppendAsync(string streamId, long expectedVersion, IReadOnlyList<object> events, CancellationToken cancellationToken = default)
    {
        var result = await _store.AppendAsync(streamId, ExpectedVersion.Exact(expectedVersion), [.. events.Select(e => _types.ToEventData(e))], cancellationToken).ConfigureAwait(false);
        if (_snapshots.Every > 0 && result.StreamVersion / _snapshots.Every > expectedVersion / _snapshots.Every)
        {
            await SnapshotAsync(streamId, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Writes a snapshot of the stream's current state.</summary>
    public async Task SnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        var loaded = await LoadAsync(streamId, useSnapshots: true, cancellationToken).ConfigureAwait(false);
        var envelope = new SnapshotEnvelope(loaded.Version, JsonSerializer.SerializeToElement(loaded.State, _types.JsonOptions));
        await _store.AppendAsync(SnapshotStream(streamId), ExpectedVersion.Any,
            [new EventData(Guid.CreateVersion7(), SnapshotType, _snapshots.SchemaVersion, JsonSerializer.SerializeToUtf8Bytes(envelope, _types.JsonOptions))],
            cancellationToken).ConfigureAwait(false);
    }

    private sealed record SnapshotEnvelope(long Version, JsonElement State);
}
