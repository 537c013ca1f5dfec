using Confluent.Kafka;
using Herald.Consuming;
using Herald.Testing;

namespace Herald.Tests.Sdk;

public sealed class MetricsTests
{
    private static readonly RetryPolicy FastRetries = new() { ImmediateRetries = 1, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(20) };

    [Fact]
    public async Task The_consumer_host_measures_handled_retried_dead_lettered_and_duplicate_events_on_the_Herald_Sdk_meter()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("metered");
        var group = TestBroker.UniqueName("g");
        var recovers = TestBroker.UniqueName("recovers");
        var neverRecovers = TestBroker.UniqueName("never");
        FlakyHandler.FailFirst(recovers, 1);
        FlakyHandler.FailFirst(neverRecovers, int.MaxValue);
        using var metrics = new MeasurementRecorder("Herald.Sdk", m => m.Tag("messaging.destination.name") == topic);
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FlakyHandler>(topic, group, c => c.Retry(FastRetries)));

        await host.Publisher.PublishAsync(new UserCreated(recovers, "recovers@example.com"));
        await SdkHost.WaitUntilAsync(() => metrics.Sum("herald.consumer.handled") >= 1, "the event that succeeds on its second run");
        await host.Publisher.PublishAsync(new UserCreated(neverRecovers, "never@example.com"));
        await SdkHost.WaitUntilAsync(() => metrics.Sum("herald.consumer.dead_lettered") >= 1, "the dead letter");
        var handled = TopicReader.Read(server.KafkaBootstrap, topic, 1)[0];
        using (var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = handled.Message.Key, Value = handled.Message.Value, Headers = handled.Message.Headers });
        }

        await SdkHost.WaitUntilAsync(() => metrics.Sum("herald.consumer.duplicates_skipped") >= 1, "the redelivery to be skipped");

        Assert.Equal(1, metrics.Sum("herald.consumer.handled"));
        Assert.Equal(1, metrics.Sum("herald.consumer.duplicates_skipped"));

        // One failed run of the first event, the first two of the other's three: the third is not retried but dead-lettered.
        Assert.Equal(3, metrics.Sum("herald.consumer.retries"));
        Assert.Equal(4, host.Metrics.FailedAttempts);
        var deadLetter = Assert.Single(metrics.Of("herald.consumer.dead_lettered"));
        Assert.Equal(1, deadLetter.Value);
        Assert.Equal("handler-failed", deadLetter.Tag("herald.dead_letter.reason"));

        var durations = metrics.Of("herald.consumer.handler.duration");
        Assert.Equal(5, durations.Count);
        Assert.All(durations, d => Assert.Equal("s", d.Unit));
        Assert.All(durations, d => Assert.True(d.Value >= 0, $"a negative duration: {d.Value}"));
        Assert.Equal(4, durations.Count(d => d.Tag("error.type") == typeof(TimeoutException).FullName));
        Assert.Single(durations, d => d.Tag("error.type") is null);

        Assert.All(metrics.Measurements.Where(m => m.Instrument.StartsWith("herald.consumer.", StringComparison.Ordinal)), m =>
        {
            Assert.Equal(group, m.Tag("messaging.consumer.group.name"));
            Assert.Equal("UserCreated", m.Tag("herald.event.type"));
        });
        var published = metrics.Of("herald.publisher.published");
        Assert.Equal(2, published.Sum(p => p.Value));
        Assert.All(published, p => Assert.Equal("UserCreated", p.Tag("herald.event.type")));
    }

    [Fact]
    public async Task Events_handled_together_in_one_batch_are_measured_one_by_one()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("metered-batch");
        var group = TestBroker.UniqueName("g");
        var user = TestBroker.UniqueName("user");
        using var metrics = new MeasurementRecorder("Herald.Sdk", m => m.Tag("messaging.consumer.group.name") == group);
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FlakyHandler>(topic, group), start: false);

        // Published before the host starts, one key: the first poll finds all three in one partition.
        for (int sequence = 0; sequence < 3; sequence++)
        {
            await host.Publisher.PublishAsync(new UserCreated(user, "batch@example.com", sequence));
        }

        await host.StartAsync();
        await SdkHost.WaitUntilAsync(() => metrics.Sum("herald.consumer.handled") >= 3, "all three events");

        Assert.Equal(3, metrics.Sum("herald.consumer.handled"));
        var durations = metrics.Of("herald.consumer.handler.duration");
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d => Assert.Null(d.Tag("error.type")));
        Assert.All(metrics.Measurements, m => Assert.Equal(topic, m.Tag("messaging.destination.name")));
    }
}
