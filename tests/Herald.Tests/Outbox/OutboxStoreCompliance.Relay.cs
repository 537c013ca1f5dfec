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
}
