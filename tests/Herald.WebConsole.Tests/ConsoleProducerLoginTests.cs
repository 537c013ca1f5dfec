using Confluent.Kafka;
using Herald.Testing;
using Herald.WebConsole.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.WebConsole.Tests;

/// <summary>The console writes (redrives, audit records) through its own Kafka producer, which must log in under <c>--auth</c>.</summary>
public sealed class ConsoleProducerLoginTests
{
    [Fact]
    public async Task With_auth_the_consoles_producer_logs_in_and_its_records_are_stored()
    {
        var server = await SecureTestBroker.Shared;
        var topic = TestBroker.UniqueName("console-auth");
        var producer = server.Services.GetRequiredService<ConsoleProducer>().Producer;

        var delivery = await producer.ProduceAsync(topic, new Message<byte[], byte[]> { Key = "k"u8.ToArray(), Value = "redriven"u8.ToArray() });

        Assert.Equal(PersistenceStatus.Persisted, delivery.Status);
        Assert.Equal(1, server.Broker.Topics.Find(topic)!.Partitions[0].LogEndOffset);
    }
}
