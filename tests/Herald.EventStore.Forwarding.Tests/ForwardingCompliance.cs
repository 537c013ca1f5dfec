using System.Globalization;
using Herald.EventStore.Forwarding.Replay;
using Herald.EventStore.Projections;
using Herald.Testing;

namespace Herald.EventStore.Forwarding.Tests;

/// <summary>Forwarding and replay against a real broker and each store; one subclass per store.</summary>
public abstract partial class ForwardingCompliance : IAsyncLifetime
{
    private readonly List<IDisposable> _forwarders = [];
    private IProjectionStore? _store;

    /// <summary>The (writable) store over this test's database.</summary>
    protected IProjectionStore Store => _store ?? throw new InvalidOperationException("no store yet");

    protected string Bootstrap { get; private set; } = string.Empty;

    /// <summary>Creates this test's database and returns a writable store over it.</summary>
    protected abstract Task<IProjectionStore> CreateStoreAsync();

    protected abstract Task DropDatabaseAsync();

    /// <summary>A replayer over this test's database (read-only by construction).</summary>
    protected abstract FeedReplayer NewReplayer();

    /// <summary>Inserts a row into the events table through a plain connection opened with <paramref name="connectionString"/>.</summary>
    protected abstract Task InsertEventDirectlyAsync(string connectionString);

    /// <summary>The connection string the replayer reads with.</summary>
    protected abstract string ReadOnlyConnectionString { get; }

    /// <summary>The connection string of the writable store.</summary>
    protected abstract string WritableConnectionString { get; }

    public async Task InitializeAsync()
    {
        Bootstrap = (await TestBroker.Shared).KafkaBootstrap;
        _store = await CreateStoreAsync();
        await _store.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var forwarder in _forwarders)
        {
            forwarder.Dispose();
        }

        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }

        await DropDatabaseAsync();
    }

    protected EventForwarder Forwarder(EventForwarderOptions options)
    {
        var forwarder = new EventForwarder(Store, options);
        _forwarders.Add(forwarder);
        return forwarder;
    }

    protected static string NewTopic() => TestBroker.UniqueName("es-forward");

    /// <summary>Appends <paramref name="count"/> deposits to <paramref name="stream"/>, amounts 1..count.</summary>
    protected async Task AppendAsync(string stream, int count, int start = 1)
    {
        await Store.AppendAsync(stream, ExpectedVersion.Any, Enumerable.Range(start, count).Select(i => BalanceProjection.Event(new Deposited(i))).ToList());
    }

    protected async Task<List<RecordedEvent>> AllEventsAsync() => await Store.ReadAllAsync().ToListAsync();

    /// <summary>Checks that a record is exactly the stored event: key, value, envelope and position headers.</summary>
    protected static void AssertIsForwarded(RecordedEvent expected, ReadRecord record)
    {
        Assert.Equal(expected.StreamId, record.Key);
        Assert.Equal(expected.Data.ToArray(), record.Value);
        var headers = record.Headers;
        Assert.Equal(expected.EventId, Guid.Parse(headers["event_id"]));
        Assert.Equal(expected.EventType, headers["event_type"]);
        Assert.Equal(expected.SchemaVersion.ToString(CultureInfo.InvariantCulture), headers["event_version"]);
        Assert.Equal(expected.RecordedAt, DateTimeOffset.Parse(headers["occurred_at"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        Assert.Equal(expected.StreamId, headers["stream_id"]);
        Assert.Equal(expected.StreamVersion.ToString(CultureInfo.InvariantCulture), headers["stream_version"]);
        Assert.Equal(expected.GlobalPosition.ToString(CultureInfo.InvariantCulture), headers["global_position"]);
    }

    protected static long Position(ReadRecord record) => long.Parse(record.Headers["global_position"], CultureInfo.InvariantCulture);
}
