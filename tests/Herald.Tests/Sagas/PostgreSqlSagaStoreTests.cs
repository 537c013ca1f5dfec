using Herald.Inbox;
using Herald.Outbox;
using Herald.PostgreSql;
using Herald.PostgreSql.Sagas;
using Herald.Sagas;
using Herald.Testing;
using Npgsql;

namespace Herald.Tests.Sagas;

/// <summary>The saga compliance suite over a fresh database of the shared test PostgreSQL cluster, plus real races.</summary>
public sealed class PostgreSqlSagaStoreTests : SagaStoreCompliance
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("no database yet");

    protected override async Task CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.Shared;
        _connectionString = await cluster.CreateDatabaseAsync("sagas");
    }

    protected override IInboxStore NewInbox() => new PostgreSqlInboxStore(ConnectionString);

    protected override ISagaStore NewSagaStore(SagaStoreOptions options) => new PostgreSqlSagaStore(ConnectionString, options);

    protected override IOutboxStore NewOutboxStore() => new PostgreSqlOutboxStore(ConnectionString);

    // Each test's database stays until the cluster stops at the end of the run.
    protected override Task DropDatabaseAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_transactions_changing_one_instance_serialize_and_the_second_fails_with_a_concurrency_exception()
    {
        await DeliverAsync(new OrderCreated("o-race", 1m));
        var first = await Inbox.BeginAsync(Group);
        await RunAsync(first, new PaymentCompleted("o-race", "pay"));

        var second = Task.Run(async () =>
        {
            await using var transaction = await Inbox.BeginAsync(Group);
            await RunAsync(transaction, new PaymentFailed("o-race", "declined"));
            await transaction.CommitAsync();
        });
        await WaitForLockWaitAsync();
        Assert.False(second.IsCompleted);
        await first.CommitAsync();
        await first.DisposeAsync();

        var conflict = await Assert.ThrowsAsync<SagaConcurrencyException>(() => second);
        Assert.Equal(1, conflict.ExpectedVersion);

        // The consumer's retry runs it again against the new state, where the step does not expect it.
        Assert.Equal(SagaOutcome.Ignored, await DeliverAsync(new PaymentFailed("o-race", "declined")));
        var instance = await GetAsync("o-race");
        Assert.Equal(("AwaitingInventory", 2L), (instance.Summary.Step, instance.Summary.Version));
        Assert.Equal(["PaymentRequested", "InventoryReserveRequested"], (await OutboxAsync()).Select(m => m.EventType));
    }

    [Fact]
    public async Task Two_transactions_creating_one_instance_collide_on_its_key_and_the_second_fails_with_a_concurrency_exception()
    {
        var first = await Inbox.BeginAsync(Group);
        Assert.Equal(SagaOutcome.Started, await RunAsync(first, new OrderCreated("o-twice", 1m)));

        var second = Task.Run(async () =>
        {
            await using var transaction = await Inbox.BeginAsync(Group);
            await RunAsync(transaction, new OrderCreated("o-twice", 2m));
            await transaction.CommitAsync();
        });
        await WaitForLockWaitAsync();
        await first.CommitAsync();
        await first.DisposeAsync();

        var conflict = await Assert.ThrowsAsync<SagaConcurrencyException>(() => second);
        Assert.Equal(0, conflict.ExpectedVersion);
        var instance = await GetAsync("o-twice");
        Assert.Equal("1", Property(instance.Data, "amount"));
        Assert.Single(instance.History);
        Assert.Single(await OutboxAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_timeout_racing_an_event_for_its_instance_waits_then_conflicts_without_deadlock(bool eventChangesState)
    {
        await DeliverAsync(new OrderCreated("o-tick", 1m));
        if (!eventChangesState)
        {
            await DeliverAsync(new PaymentCompleted("o-tick", "pay"));
        }

        Clock.Advance(OrderSaga.InventoryTimeout);
        var token = Assert.Single(await DueAsync()).Token;

        // The event step goes first and holds the instance: a payment that supersedes the timeout, or (already paid)
        // an event the step ignores, which still appends history but changes no state.
        var first = await Inbox.BeginAsync(Group);
        await RunAsync(first, eventChangesState ? new PaymentCompleted("o-tick", "pay") : new PaymentRefunded("o-tick", "pay"));
        var timeout = Task.Run(async () =>
        {
            await using var transaction = await Inbox.BeginAsync(Group);
            await RunFireAsync(transaction, token);
            await transaction.CommitAsync();
        });
        await WaitForLockWaitAsync();
        await first.CommitAsync();
        await Assert.ThrowsAsync<SagaConcurrencyException>(() => timeout);

        // The timeout service finds it again at its next poll: superseded by the payment, or still due after an ignored event.
        if (eventChangesState)
        {
            Assert.Equal(SagaOutcome.Stale, await FireAsync(token));
            Assert.Equal("AwaitingInventory", (await GetAsync("o-tick")).Summary.Step);
        }
        else
        {
            Assert.Equal(SagaOutcome.Compensated, await FireAsync(token));
            var instance = await GetAsync("o-tick");
            Assert.Equal("Compensating", instance.Summary.Step);
            Assert.Equal([SagaHistoryKind.Ignored, SagaHistoryKind.Compensation], instance.History.Skip(2).Select(h => h.Kind));
        }

        await first.DisposeAsync();
    }

    [Fact]
    public async Task A_schema_prefix_creates_the_schema_and_keeps_the_tables_there()
    {
        var store = new PostgreSqlSagaStore(ConnectionString, SagaStoreOptions.Default with { TablePrefix = "orders." });
        await using (store)
        {
            await store.EnsureCreatedAsync();
            await store.EnsureCreatedAsync();
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'orders'", connection);
            Assert.Equal("herald_saga,herald_saga_history,herald_saga_timeout", await command.ExecuteScalarAsync());
            Assert.Equal(0, (await store.ListAsync(new SagaFilter())).Total);
        }
    }

    private async Task WaitForLockWaitAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await command.ExecuteScalarAsync())! == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second transaction never waited for the first");
            await Task.Delay(10);
        }
    }
}
