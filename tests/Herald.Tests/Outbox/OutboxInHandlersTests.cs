using Herald.Consuming;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Testing;
using Herald.Tests.Sdk;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Outbox;

/// <summary>Handlers publish through <see cref="EventContext.PublishAsync{TEvent}"/>: the event goes out if and only if the handler's transaction commits.</summary>
public sealed class OutboxInHandlersTests
{
    private static readonly RetryPolicy FastRetries = new() { ImmediateRetries = 1, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(20) };

    [EventContract("OrderShipped")]
    public sealed record OrderShipped([property: PartitionKey] string OrderId, int Sequence);

    /// <summary>Ships every order; an order noted "fail" throws after publishing, so its transaction rolls back.</summary>
    public sealed class ShipOrder : IEventHandler<OrderPlaced>
    {
        public async Task HandleAsync(OrderPlaced @event, EventContext context, CancellationToken cancellationToken)
        {
            await context.PublishAsync(new OrderShipped(@event.OrderId, @event.Sequence), cancellationToken: cancellationToken);
            if (@event.Note == "fail")
            {
                throw new InvalidOperationException("warehouse closed");
            }
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task A_handler_publishes_only_when_its_transaction_commits(string engine)
    {
        var server = await TestBroker.Shared;
        var placed = TestBroker.UniqueName("placed");
        var shipped = TestBroker.UniqueName("shipped");
        var database = engine == "sqlite" ? SdkHost.NewDatabase() : await (await PostgresCluster.Shared).CreateDatabaseAsync("handlers");
        await using var host = await SdkHost.StartAsync(
            server.KafkaBootstrap,
            o => o.Topic<OrderPlaced>(placed).Topic<OrderShipped>(shipped),
            h => h.AddConsumer<ShipOrder>(placed, TestBroker.UniqueName("shipping"), c => c.Retry(FastRetries)),
            database);

        var first = await host.Publisher.PublishAsync(new OrderPlaced("order-1", 1), new("flow-1"));
        await host.Publisher.PublishAsync(new OrderPlaced("order-2", 2, "fail"));
        var third = await host.Publisher.PublishAsync(new OrderPlaced("order-3", 3), new("flow-3"));
        await SdkHost.WaitUntilAsync(() => host.Metrics.Handled == 2 && host.Metrics.DeadLettered == 1, "two handled events and one dead letter");

        var relay = host.Services.GetRequiredService<OutboxRelay>();
        var store = host.Services.GetRequiredService<HeraldOptions>().Outbox!;
        await SdkHost.WaitUntilAsync(() => store.GetStatusAsync().GetAwaiter().GetResult().BacklogRows == 0 && relay.Published == 2, "the relay to publish the committed rows");

        var records = TopicReader.Read(server.KafkaBootstrap, shipped, 2);
        Assert.Equal(["order-1", "order-3"], records.Select(r => r.Message.Key));
        Assert.Equal([first.EventId.ToString(), third.EventId.ToString()], records.Select(r => TopicReader.Header(r, EnvelopeHeaders.CausationId)));
        Assert.Equal(["flow-1", "flow-3"], records.Select(r => TopicReader.Header(r, EnvelopeHeaders.CorrelationId)));

        // Three attempts of the failing handler each wrote a row that rolled back: none of them reached the topic.
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string?, byte[]>(new Confluent.Kafka.ConsumerConfig { BootstrapServers = server.KafkaBootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        Assert.Equal(2, consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(shipped, 0), TimeSpan.FromSeconds(10)).High.Value);
    }
}
