using System.Data.Common;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Publishing;
using Herald.Tests.Inbox;
using Herald.Server;
using Herald.Testing;
using Herald.Tests.Sdk;

namespace Herald.Tests.Outbox;

/// <summary>What every <see cref="IOutboxStore"/> must do, against a real database (and, for the relay, a real broker); one subclass per store.</summary>
public abstract partial class OutboxStoreCompliance : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<IOutboxStore> _stores = [];
    private readonly List<OutboxRelay> _relays = [];

    protected ManualClock Clock { get; } = new(Start);

    protected OutboxOptions Options => OutboxOptions.Default with { TimeProvider = Clock };

    /// <summary>A new store instance over this test's database (the same one every call).</summary>
    protected abstract IOutboxStore NewStoreOver(OutboxOptions options);

    /// <summary>An open connection to this test's database, for the application's own transactions.</summary>
    protected abstract Task<DbConnection> OpenAsync();

    /// <summary>Prepares this test's empty database.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Deletes this test's database after its stores are disposed.</summary>
    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        await NewStore().EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var relay in _relays)
        {
            await relay.StopAsync(CancellationToken.None);
            relay.Dispose();
        }

        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await DropDatabaseAsync();
    }

    protected IOutboxStore NewStore() => Track(NewStoreOver(Options));

    protected IOutboxStore Track(IOutboxStore store)
    {
        _stores.Add(store);
        return store;
    }

    protected static HeraldOptions HeraldOptionsFor(string bootstrap, Func<OutboxRelayOptions, OutboxRelayOptions>? relay = null) => new()
    {
        BootstrapServers = bootstrap,
        OutboxRelay = relay?.Invoke(OutboxRelayOptions.Default) ?? OutboxRelayOptions.Default,
    };

    /// <summary>A relay over <paramref name="store"/>; started unless told otherwise, stopped at the end of the test.</summary>
    protected async Task<OutboxRelay> RelayAsync(IOutboxStore store, HeraldOptions options, bool start = true)
    {
        var relay = new OutboxRelay(store, options);
        _relays.Add(relay);
        if (start)
        {
            await relay.StartAsync(CancellationToken.None);
        }

        return relay;
    }

    protected static TransactionalOutbox OutboxOver(IOutboxStore store, HeraldOptions options, OutboxRelay? relay = null) =>
        new(store, options, new EventContracts(), relay);

    /// <summary>Enqueues <paramref name="events"/> to <paramref name="topic"/> in one application transaction; commits it unless told not to.</summary>
    protected async Task<Guid[]> EnqueueAsync(IOutbox outbox, string topic, IEnumerable<OrderPlaced> events, bool commit = true, PublishContext? context = null)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ids = new List<Guid>();
        foreach (var @event in events)
        {
            ids.Add(await outbox.EnqueueAsync(@event, transaction, (context ?? new PublishContext()) with { Topic = topic }));
        }

        if (commit)
        {
            await transaction.CommitAsync();
        }

        return [.. ids];
    }

    protected static OutboxMessage Message(string topic, string key = "order-1", int sequence = 0) => new(
        Guid.CreateVersion7(),
        topic,
        key,
        "OrderPlaced",
        System.Text.Encoding.UTF8.GetBytes($"{{\"orderId\":\"{key}\",\"sequence\":{sequence}}}"),
        [new(EnvelopeHeaders.EventId, "x"), new(EnvelopeHeaders.EventType, "OrderPlaced")]);

    /// <summary>Inserts <paramref name="messages"/> in one committed application transaction.</summary>
    protected async Task InsertAsync(IOutboxStore store, params OutboxMessage[] messages)
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var message in messages)
        {
            await store.InsertAsync(message, transaction);
        }

        await transaction.CommitAsync();
    }

    /// <summary>
    /// Reads until at least <paramref name="expected"/> committed rows are visible: on PostgreSQL a row becomes
    /// readable only once every older transaction on the server ended, and other tests run transactions in parallel.
    /// </summary>
    protected static async Task<IReadOnlyList<OutboxRecord>> ReadVisibleAsync(IOutboxStore store, int expected, OutboxPosition? after = null, int maxRows = 100)
    {
        IReadOnlyList<OutboxRecord> rows = [];
        await WaitUntilAsync(async () => (rows = await store.ReadAsync(after ?? OutboxPosition.Start, maxRows)).Count >= expected, $"{expected} visible row(s)");
        return rows;
    }

    protected static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            await Task.Delay(20);
        }
    }

    protected static Task<HeraldServer> BrokerAsync() => TestBroker.Shared;

    /// <summary>Every record of partition 0 of <paramref name="topic"/>, up to its high watermark now.</summary>
    protected static IReadOnlyList<ConsumeResult<string?, byte[]>> ReadAll(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        var high = consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
        return TopicReader.Read(bootstrap, topic, checked((int)high));
    }
}
