using Herald.Contracts;
using Herald.Outbox;
using Herald.Testing;
using Herald.Tests.Sdk;

namespace Herald.Tests.Outbox;

public abstract partial class OutboxStoreCompliance
{
    [Fact]
    public async Task While_the_broker_is_down_writes_keep_committing_and_when_it_returns_every_row_arrives_once_in_order()
    {
        var dataDirectory = TestBroker.NewDataDirectory();
        var broker = await TestBroker.StartAsync(dataDirectory);
        var bootstrap = broker.KafkaBootstrap;
        var topic = TestBroker.UniqueName("orders");
        var store = NewStore();
        var options = HeraldOptionsFor(bootstrap, r => r with
        {
            DeliveryTimeout = TimeSpan.FromMilliseconds(500),
            Breaker = new OutboxBreakerOptions { BreakDuration = TimeSpan.FromMilliseconds(500), MaxBreakDuration = TimeSpan.FromSeconds(1) },
        });
        var relay = await RelayAsync(store, options);
        var outbox = OutboxOver(store, options, relay);
        var expected = new List<Guid>();
        var sequence = 0;
        async Task WriteAsync(int transactions)
        {
            for (var transaction = 0; transaction < transactions; transaction++)
            {
                expected.AddRange(await EnqueueAsync(outbox, topic, Enumerable.Range(0, 4).Select(_ => new OrderPlaced($"order-{sequence % 3}", sequence++))));
            }
        }

        try
        {
            await WriteAsync(5);
            await WaitUntilAsync(() => Task.FromResult(relay.Published == expected.Count), "the first rows to be published");

            await broker.DisposeAsync();
            await WriteAsync(10);
            await WaitUntilAsync(() => Task.FromResult(relay.BreakerState == OutboxBreakerState.Open), "the breaker to open");
            await WriteAsync(5);
            Assert.Equal(20, relay.Published);
            Assert.Equal(60, (await relay.RefreshStatusAsync()).BacklogRows);

            broker = await TestBroker.StartAsync(dataDirectory, o => o with { KafkaListen = bootstrap });
            await WaitUntilAsync(() => Task.FromResult(relay.Published == expected.Count), "the backlog to drain after the broker returned");
            Assert.Equal(0, (await relay.RefreshStatusAsync()).BacklogRows);
            Assert.Equal(OutboxBreakerState.Closed, relay.BreakerState);

            // Each event once by event_id (a consumer's inbox drops repeats), in the order they were committed.
            var records = ReadAll(bootstrap, topic);
            Assert.Equal(expected.Select(id => id.ToString()), records.Select(r => TopicReader.Header(r, EnvelopeHeaders.EventId)).Distinct());
        }
        finally
        {
            await relay.StopAsync(CancellationToken.None);
            await broker.DisposeAsync();
        }
    }
}
