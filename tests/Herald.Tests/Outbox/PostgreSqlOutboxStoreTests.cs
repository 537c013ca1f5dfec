using System.Data.Common;
using Herald.Contracts;
using Herald.Outbox;
using Herald.PostgreSql;
using Herald.Testing;
using Herald.Tests.Sdk;
using Npgsql;

namespace Herald.Tests.Outbox;

/// <summary>The outbox compliance suite over a fresh database of the shared test PostgreSQL cluster.</summary>
public sealed class PostgreSqlOutboxStoreTests : OutboxStoreCompliance
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("no database yet");

    protected override IOutboxStore NewStoreOver(OutboxOptions options) => new PostgreSqlOutboxStore(ConnectionString, options);

    protected override async Task<DbConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.Shared;
        _connectionString = await cluster.CreateDatabaseAsync("outbox");
    }

    // Each test's database stays until the cluster stops at the end of the run.
    protected override Task DropDatabaseAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_transaction_that_wrote_first_but_commits_last_is_read_after_it_commits_not_skipped()
    {
        var store = NewStore();
        var lease = new OutboxLease("default", "alice");
        Assert.True(await store.TryAcquireLeaseAsync(lease, TimeSpan.FromMinutes(5)));
        var early = Message("t", "order-early");
        var late = Message("t", "order-late");
        await using var connection = await OpenAsync();
        await using var earlyTransaction = await connection.BeginTransactionAsync();
        await store.InsertAsync(early, earlyTransaction);
        await InsertAsync(store, late);

        var seen = new List<OutboxRecord>();
        var cursor = OutboxPosition.Start;
        async Task<bool> PassAsync()
        {
            var rows = await store.ReadAsync(cursor, 100);
            seen.AddRange(rows);
            if (rows.Count > 0)
            {
                Assert.True(await store.CompleteAsync(lease, rows[^1].Position));
                cursor = rows[^1].Position;
            }

            return seen.Count >= 2;
        }

        // A relay pass while the early transaction is open: an identity cursor would take the late row and move past the early one.
        await PassAsync();
        await earlyTransaction.CommitAsync();
        await WaitUntilAsync(PassAsync, "both rows to be read");

        Assert.Equal([early.EventId, late.EventId], seen.Select(r => r.Message.EventId));
        Assert.True(seen[0].Position < seen[1].Position);
        Assert.Equal(0, (await store.GetStatusAsync()).BacklogRows);
    }

    [Fact]
    public async Task The_relay_running_between_two_out_of_order_commits_publishes_every_row_in_transaction_order()
    {
        var server = await BrokerAsync();
        var topic = TestBroker.UniqueName("orders");
        var store = NewStore();
        var options = HeraldOptionsFor(server.KafkaBootstrap);
        var relay = await RelayAsync(store, options);
        var outbox = OutboxOver(store, options, relay);

        await using var connection = await OpenAsync();
        await using var earlyTransaction = await connection.BeginTransactionAsync();
        var early = await outbox.EnqueueAsync(new OrderPlaced("order-early", 1), earlyTransaction, new(Topic: topic));
        var late = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-late", 2), new OrderPlaced("order-late", 3)]);

        // Let the relay read at least twice after the late transaction committed, while the early one is still open.
        var reads = relay.Reads;
        await WaitUntilAsync(() => { relay.Notify(); return Task.FromResult(relay.Reads >= reads + 2); }, "the relay to read between the commits");
        await earlyTransaction.CommitAsync();

        var records = TopicReader.Read(server.KafkaBootstrap, topic, 3);
        Assert.Equal(new[] { early }.Concat(late).Select(id => id.ToString()), records.Select(r => TopicReader.Header(r, EnvelopeHeaders.EventId)));
        await WaitUntilAsync(async () => (await store.GetStatusAsync()).BacklogRows == 0, "the relay to complete every row");
        Assert.Equal(3, relay.Published);
    }

    [Fact]
    public async Task A_schema_prefix_creates_the_schema_and_keeps_the_outbox_there()
    {
        var store = Track(NewStoreOver(Options with { TablePrefix = "herald." }));
        await store.EnsureCreatedAsync();
        await store.EnsureCreatedAsync();
        await InsertAsync(store, Message("t"));
        Assert.Single(await ReadVisibleAsync(store, 1));
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM herald.herald_outbox";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }
}
