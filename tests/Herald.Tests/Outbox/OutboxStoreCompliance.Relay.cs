using System.Text.Json;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Publishing;
using Herald.Testing;
using Herald.Tests.Sdk;

namespace Herald.Tests.Outbox;

public abstract partial class OutboxStoreCompliance
{
    [Fact]
    public async Task A_rolled_back_enqueue_publishes_nothing_and_a_committed_one_is_published_once_with_the_sdk_envelope()
    {
        var server = await BrokerAsync();
        var topic = TestBroker.UniqueName("orders");
        var store = NewStore();
        var options = HeraldOptionsFor(server.KafkaBootstrap);
        var relay = await RelayAsync(store, options);
        var outbox = OutboxOver(store, options, relay);

        var rolledBack = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-1", 1)], commit: false);
        var committed = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-2", 2)], context: new PublishContext("flow-7", "cause-9"));
        await WaitUntilAsync(async () => (await store.GetStatusAsync()).BacklogRows == 0 && relay.Published == 1, "the relay to publish the committed row");

        var record = Assert.Single(TopicReader.Read(server.KafkaBootstrap, topic, 1));
        Assert.Equal(committed[0].ToString(), TopicReader.Header(record, EnvelopeHeaders.EventId));
        Assert.NotEqual(rolledBack[0], committed[0]);
        Assert.Equal("OrderPlaced", TopicReader.Header(record, EnvelopeHeaders.EventType));
        Assert.Equal("1", TopicReader.Header(record, EnvelopeHeaders.EventVersion));
        Assert.Equal("flow-7", TopicReader.Header(record, EnvelopeHeaders.CorrelationId));
        Assert.Equal("cause-9", TopicReader.Header(record, EnvelopeHeaders.CausationId));
        Assert.NotNull(TopicReader.Header(record, EnvelopeHeaders.OccurredAt));
        Assert.Equal("order-2", record.Message.Key);
        Assert.Equal(new OrderPlaced("order-2", 2), JsonSerializer.Deserialize<OrderPlaced>(record.Message.Value, ContractSchema.DefaultSerializerOptions));

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = server.KafkaBootstrap }).Build();
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = server.KafkaBootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        Assert.Equal(1, consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value);
    }

    [Fact]
    public async Task Rows_from_many_transactions_are_published_in_commit_order_per_key()
    {
        var server = await BrokerAsync();
        var topic = TestBroker.UniqueName("orders");
        var store = NewStore();
        var options = HeraldOptionsFor(server.KafkaBootstrap, r => r with { BatchSize = 7 });
        var relay = await RelayAsync(store, options);
        var outbox = OutboxOver(store, options, relay);
        var expected = new List<Guid>();
        for (var transaction = 0; transaction < 12; transaction++)
        {
            expected.AddRange(await EnqueueAsync(outbox, topic, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"order-{i % 3}", (transaction * 5) + i))));
        }

        var records = TopicReader.Read(server.KafkaBootstrap, topic, expected.Count);
        Assert.Equal(expected.Select(id => id.ToString()), records.Select(r => TopicReader.Header(r, EnvelopeHeaders.EventId)));
        await WaitUntilAsync(async () => (await store.GetStatusAsync()).BacklogRows == 0, "the relay to complete every row");
        Assert.Equal(expected.Count, relay.Published);
    }

    [Fact]
    public async Task Of_two_relays_on_one_store_only_the_lease_holder_publishes_and_each_row_goes_out_once()
    {
        var server = await BrokerAsync();
        var topic = TestBroker.UniqueName("orders");
        var store = NewStore();
        var first = await RelayAsync(NewStore(), HeraldOptionsFor(server.KafkaBootstrap, r => r with { PollInterval = TimeSpan.FromMilliseconds(50) }));
        var second = await RelayAsync(NewStore(), HeraldOptionsFor(server.KafkaBootstrap, r => r with { PollInterval = TimeSpan.FromMilliseconds(50) }));
        await WaitUntilAsync(() => Task.FromResult(first.HoldsLease || second.HoldsLease), "one relay to take the lease");

        // No relay is woken in-process: both find the rows by polling, as relays in other processes would.
        var outbox = OutboxOver(store, HeraldOptionsFor(server.KafkaBootstrap));
        var expected = new List<Guid>();
        for (var transaction = 0; transaction < 10; transaction++)
        {
            expected.AddRange(await EnqueueAsync(outbox, topic, Enumerable.Range(0, 5).Select(i => new OrderPlaced($"order-{i}", (transaction * 5) + i))));
        }

        await WaitUntilAsync(async () => (await store.GetStatusAsync()).BacklogRows == 0, "the rows to be published");
        // Both use the default owner: each relay instance generates its own.
        Assert.NotEqual(first.Owner, second.Owner);
        Assert.NotEqual(first.HoldsLease, second.HoldsLease);
        var holder = first.HoldsLease ? first : second;
        var other = first.HoldsLease ? second : first;
        Assert.Equal((expected.Count, 0L), (holder.Published, other.Published));

        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = server.KafkaBootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        Assert.Equal(expected.Count, consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value);
        var records = TopicReader.Read(server.KafkaBootstrap, topic, expected.Count);
        Assert.Equal(expected.Select(id => id.ToString()), records.Select(r => TopicReader.Header(r, EnvelopeHeaders.EventId)));

        // The holder stops and gives its lease up: the other takes over and publishes what comes next.
        await holder.StopAsync(CancellationToken.None);
        var later = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-9", 99)]);
        await WaitUntilAsync(() => Task.FromResult(other.Published == 1), "the other relay to take over");
        Assert.True(other.HoldsLease);
        Assert.Equal(later[0].ToString(), TopicReader.Header(TopicReader.Read(server.KafkaBootstrap, topic, expected.Count + 1)[^1], EnvelopeHeaders.EventId));
    }

    [Fact]
    public async Task A_poison_row_is_dead_lettered_after_its_attempts_and_the_rows_behind_it_still_go_out()
    {
        var server = await BrokerAsync();
        var topic = TestBroker.UniqueName("orders");
        var store = NewStore();
        var options = HeraldOptionsFor(server.KafkaBootstrap, r => r with { PoisonAttempts = 3, PoisonBackoff = TimeSpan.FromMilliseconds(50) });
        var relay = await RelayAsync(store, options);
        var outbox = OutboxOver(store, options, relay);

        // Over the producer's message.max.bytes (1,000,000 by default): refused every time, never published.
        var before = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-1", 1)]);
        var poison = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-1", 2, new string('x', 1_100_000))]);
        var after = await EnqueueAsync(outbox, topic, [new OrderPlaced("order-1", 3), new OrderPlaced("order-2", 4)]);

        var records = TopicReader.Read(server.KafkaBootstrap, topic, 3);
        await WaitUntilAsync(async () => (await store.GetStatusAsync()).BacklogRows == 0, "the relay to get past the poison row");
        Assert.Equal(before.Concat(after).Select(id => id.ToString()), records.Select(r => TopicReader.Header(r, EnvelopeHeaders.EventId)).Distinct());
        Assert.Equal((1L, 3L), (relay.DeadLettered, relay.Published));

        var status = await store.GetStatusAsync();
        var dead = Assert.Single(status.RecentDead);
        Assert.Equal((poison[0], 3), (dead.EventId, dead.Attempts));
        Assert.StartsWith("MsgSizeTooLarge", dead.LastError, StringComparison.Ordinal);
        Assert.Equal(1, status.DeadRows);
    }

    [Theory]
    [InlineData(BrokerDownMode.Reject)]
    [InlineData(BrokerDownMode.Buffer)]
    public async Task Over_its_backlog_limit_the_outbox_refuses_new_work_only_in_reject_mode(BrokerDownMode mode)
    {
        var store = NewStore();
        var options = HeraldOptionsFor("127.0.0.1:1", r => r with { WhenBacklogExceeded = mode, Backlog = new OutboxBacklogLimits { MaxRows = 2 } });

        // Not started: nothing drains the backlog, as when the broker is down.
        var relay = await RelayAsync(store, options, start: false);
        var outbox = OutboxOver(store, options, relay);
        await EnqueueAsync(outbox, "orders", [new OrderPlaced("order-1", 1), new OrderPlaced("order-1", 2)]);
        await relay.RefreshStatusAsync();
        Assert.False(relay.IsBacklogExceeded);
        await EnqueueAsync(outbox, "orders", [new OrderPlaced("order-1", 3)]);
        await relay.RefreshStatusAsync();
        Assert.True(relay.IsBacklogExceeded);

        if (mode == BrokerDownMode.Reject)
        {
            var refused = await Assert.ThrowsAsync<OutboxBacklogExceededException>(() => EnqueueAsync(outbox, "orders", [new OrderPlaced("order-1", 4)]));
            Assert.True(refused.RetryAfter > TimeSpan.Zero);
            Assert.Contains("3 rows waiting", refused.Message, StringComparison.Ordinal);
            Assert.Equal(3, (await store.GetStatusAsync()).BacklogRows);
        }
        else
        {
            await EnqueueAsync(outbox, "orders", [new OrderPlaced("order-1", 4)]);
            Assert.Equal(4, (await store.GetStatusAsync()).BacklogRows);
        }
    }
}
