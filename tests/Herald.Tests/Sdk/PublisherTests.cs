using System.Text;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.Publishing;
using Herald.Testing;
using Microsoft.Extensions.Logging;

namespace Herald.Tests.Sdk;

public sealed class PublisherTests
{
    private static ConsumeResult<string?, byte[]> ReadOne(string bootstrap, string topic, int partition, long offset)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, partition, offset));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                return result;
            }
        }

        throw new TimeoutException("record not found");
    }

    private static string Header(ConsumeResult<string?, byte[]> record, string name) => Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    [Fact]
    public async Task Events_are_keyed_by_their_contract_and_carry_the_envelope_in_headers()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("user-events");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic));

        var result = await host.Publisher.PublishAsync(new UserCreated("user-42", "ada@example.com"), new PublishContext(CorrelationId: "signup-7"));
        var record = ReadOne(server.KafkaBootstrap, topic, result.Partition, result.Offset);

        Assert.Equal("user-42", record.Message.Key);
        Assert.Equal(result.EventId.ToString(), Header(record, EnvelopeHeaders.EventId));
        Assert.Equal(7, result.EventId.Version);
        Assert.Equal("UserCreated", Header(record, EnvelopeHeaders.EventType));
        Assert.Equal("1", Header(record, EnvelopeHeaders.EventVersion));
        Assert.Equal("signup-7", Header(record, EnvelopeHeaders.CorrelationId));
        Assert.True(DateTimeOffset.TryParse(Header(record, EnvelopeHeaders.OccurredAt), out var occurred));
        Assert.True(DateTimeOffset.UtcNow - occurred < TimeSpan.FromMinutes(1));
        Assert.Contains("\"userId\":\"user-42\"", Encoding.UTF8.GetString(record.Message.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unkeyed_events_are_refused_unless_the_topic_allows_them()
    {
        var server = await TestBroker.Shared;
        var keyedTopic = TestBroker.UniqueName("metrics");
        var unkeyedTopic = TestBroker.UniqueName("metrics-unkeyed");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o
            .ConfigureTopic(unkeyedTopic, t => t with { AllowUnkeyed = true }));

        var refused = await Assert.ThrowsAsync<UnkeyedEventException>(() => host.Publisher.PublishAsync(new MetricSampled(1.5), new PublishContext(Topic: keyedTopic)));
        Assert.Contains("[PartitionKey]", refused.Message, StringComparison.Ordinal);
        Assert.Contains(keyedTopic, refused.Message, StringComparison.Ordinal);

        var accepted = await host.Publisher.PublishAsync(new MetricSampled(2.5), new PublishContext(Topic: unkeyedTopic));
        Assert.Null(ReadOne(server.KafkaBootstrap, unkeyedTopic, accepted.Partition, accepted.Offset).Message.Key);
    }

    [Fact]
    public async Task Hot_key_spreading_adds_a_bucket_suffix_to_the_key()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("hot");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o
            .Topic<UserCreated>(topic)
            .ConfigureTopic(topic, t => t with { HotKeyBuckets = 4 }));

        var keys = new HashSet<string>();
        for (int i = 0; i < 40; i++)
        {
            var result = await host.Publisher.PublishAsync(new UserCreated("celebrity", "star@example.com", i));
            keys.Add(ReadOne(server.KafkaBootstrap, topic, result.Partition, result.Offset).Message.Key!);
        }

        Assert.All(keys, k => Assert.Matches("^celebrity#[0-3]$", k));
        Assert.True(keys.Count > 1, "40 events should use more than one bucket");
    }

    [Fact]
    public void A_contract_named_like_a_command_gets_a_warning_that_says_why()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(logs));
        var contracts = new EventContracts(factory.CreateLogger<EventContracts>());

        Assert.True(contracts.Get<UserCreated>().IsPastTense);
        Assert.Empty(logs.Lines);

        var command = contracts.Get<CreateOrder>();
        Assert.False(command.IsPastTense);
        var warning = Assert.Single(logs.Lines);
        Assert.Contains("past-tense fact", warning, StringComparison.Ordinal);
        Assert.Contains("CreateOrder", warning, StringComparison.Ordinal);
    }
}
