using System.Text;
using System.Text.Json;
using Herald.Consuming;
using Herald.Contracts;
using Herald.Inbox;
using Herald.Outbox;
using Herald.Sagas;
using Herald.Tests.Inbox;
using Microsoft.Extensions.Logging.Abstractions;

namespace Herald.Tests.Sagas;

/// <summary>
/// What the saga engine and every <see cref="ISagaStore"/> must do together, against a real database with the real inbox
/// and transactional outbox in it; one subclass per store. Events are delivered the way the consumer host delivers them:
/// one inbox transaction each, committed after the engine ran.
/// </summary>
public abstract partial class SagaStoreCompliance : IAsyncLifetime
{
    protected const string Group = "order-saga";
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly List<object> _owned = [];
    private SagaEngine? _engine;
    private IOutbox? _outbox;
    private long _offset;

    protected ManualClock Clock { get; } = new(Start);

    protected SagaMetrics Metrics { get; } = new();

    protected OrderSaga Saga { get; } = new();

    protected StrictOrderSaga Strict { get; } = new();

    protected IInboxStore Inbox { get; private set; } = null!;

    protected ISagaStore Store { get; private set; } = null!;

    protected IOutboxStore OutboxStore { get; private set; } = null!;

    private SagaEngine Engine => _engine!;

    protected abstract Task CreateDatabaseAsync();

    protected abstract IInboxStore NewInbox();

    protected abstract ISagaStore NewSagaStore(SagaStoreOptions options);

    protected abstract IOutboxStore NewOutboxStore();

    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        Inbox = Own(NewInbox());
        Store = Own(NewSagaStore(SagaStoreOptions.Default with { TimeProvider = Clock }));
        OutboxStore = Own(NewOutboxStore());
        await Inbox.EnsureCreatedAsync();
        await Store.EnsureCreatedAsync();
        await Store.EnsureCreatedAsync();
        await OutboxStore.EnsureCreatedAsync();
        var options = new HeraldOptions();
        foreach (var published in new[] { typeof(PaymentRequested), typeof(InventoryReserveRequested), typeof(OrderCancelled) })
        {
            options.TopicsByContract[published] = "orders";
        }

        _outbox = new TransactionalOutbox(OutboxStore, options, new EventContracts());
        _engine = new SagaEngine(Store, Metrics, NullLogger<SagaEngine>.Instance);
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            if (owned is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await DropDatabaseAsync();
    }

    /// <summary>Delivers <paramref name="event"/> as the consumer host would: one inbox transaction, committed after the step.</summary>
    protected async Task<SagaOutcome> DeliverAsync(object @event, Guid? eventId = null, SagaDefinition? saga = null)
    {
        await using var transaction = await Inbox.BeginAsync(Group);
        var outcome = await RunAsync(transaction, @event, eventId, saga);
        await transaction.CommitAsync();
        return outcome;
    }

    /// <summary>Runs the engine for <paramref name="event"/> in <paramref name="transaction"/>, without committing.</summary>
    protected Task<SagaOutcome> RunAsync(IInboxTransaction transaction, object @event, Guid? eventId = null, SagaDefinition? saga = null)
    {
        var envelope = new EventEnvelope(eventId ?? Guid.CreateVersion7(), @event.GetType().Name, 1, Clock.GetUtcNow(), "flow-42", "cause-7", null);
        var context = new EventContext(envelope, "orders", 2, Interlocked.Increment(ref _offset), 1, Group, transaction.Connection, transaction.Transaction, _outbox);
        return Engine.HandleAsync(saga ?? Saga, @event, SagaTrigger.From(context), transaction.Transaction, _outbox, null, CancellationToken.None);
    }

    /// <summary>Delivers timeout <paramref name="token"/> as the timeout service would.</summary>
    protected async Task<SagaOutcome> FireAsync(Guid token, SagaDefinition? saga = null)
    {
        await using var transaction = await Inbox.BeginAsync(Group);
        var outcome = await RunFireAsync(transaction, token, saga);
        await transaction.CommitAsync();
        return outcome;
    }

    /// <summary>Runs timeout <paramref name="token"/> in <paramref name="transaction"/>, without committing.</summary>
    protected Task<SagaOutcome> RunFireAsync(IInboxTransaction transaction, Guid token, SagaDefinition? saga = null) =>
        Engine.FireTimeoutAsync(saga ?? Saga, token, transaction.Transaction, _outbox, null, CancellationToken.None);

    protected Task<IReadOnlyList<SagaTimeoutEntry>> DueAsync() =>
        Store.FindDueTimeoutsAsync([Saga.Name, Strict.Name], Clock.GetUtcNow(), 100);

    protected async Task<SagaInstance> GetAsync(string id, SagaDefinition? saga = null) =>
        await Store.GetAsync((saga ?? Saga).Name, id) ?? throw new InvalidOperationException($"no instance '{id}'");

    /// <summary>
    /// The rows in the outbox table, in position order, read with plain SQL: the relay's own read waits for the oldest
    /// transaction of the whole PostgreSQL cluster, which other tests running in parallel may hold open.
    /// </summary>
    protected async Task<IReadOnlyList<OutboxMessage>> OutboxAsync()
    {
        await using var transaction = await Inbox.BeginAsync(Group);
        await using var command = transaction.Connection.CreateCommand();
        command.Transaction = transaction.Transaction;
        command.CommandText = $"SELECT id, aggregatetype, aggregateid, type, payload, headers FROM {OutboxStore.Options.OutboxTable} ORDER BY position";
        var rows = new List<OutboxMessage>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new OutboxMessage(
                Guid.Parse(reader.GetValue(0).ToString()!),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                (byte[])reader.GetValue(4),
                OutboxHeaders.Deserialize(reader.GetValue(5).ToString()!)));
        }

        return rows;
    }

    protected static string? Header(OutboxMessage message, string name) => message.Headers.LastOrDefault(h => h.Key == name).Value;

    protected static string? Property(string? json, string name) =>
        json is null ? null : JsonDocument.Parse(json).RootElement.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    protected static string PayloadText(OutboxMessage message)
    {
        var payload = message.Payload.Span;
        return Encoding.UTF8.GetString(payload.Length >= 5 && payload[0] == 0 ? payload[5..] : payload);
    }

    private T Own<T>(T value)
        where T : notnull
    {
        _owned.Add(value);
        return value;
    }
}
