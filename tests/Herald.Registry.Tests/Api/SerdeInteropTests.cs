using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Herald.Contracts;
using Herald.Serialization;

namespace Herald.Registry.Tests.Api;

/// <summary>Events written by Confluent's serializers are read by Herald's and the other way round, through Herald's broker and registry.</summary>
public sealed class SerdeInteropTests
{
    public sealed record OrderPlaced(string OrderId, decimal Amount, string? Note);

    private static IConsumer<byte[], byte[]> RawConsumer(string bootstrap, string topic)
    {
        var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        return consumer;
    }

    private static ConsumeResult<byte[], byte[]> ConsumeOne(IConsumer<byte[], byte[]> consumer)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                return result;
            }
        }

        throw new TimeoutException("no record arrived");
    }

    [Fact]
    public async Task Confluent_json_serializer_to_herald_deserializer()
    {
        var server = await RegistryServer.Shared;
        using var registry = RegistryServer.Client(server);
        var topic = RegistryServer.Subject("json-in");
        using (var producer = new ProducerBuilder<string, OrderPlaced>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap })
                   .SetValueSerializer(new JsonSerializer<OrderPlaced>(registry))
                   .Build())
        {
            await producer.ProduceAsync(topic, new Message<string, OrderPlaced> { Key = "o-1", Value = new OrderPlaced("o-1", 12.5m, null) });
        }

        using var consumer = RawConsumer(server.KafkaBootstrap, topic);
        var record = ConsumeOne(consumer);
        Assert.True(RegistryWireFormat.TryReadHeader(record.Message.Value, out var id, out _));
        Assert.Equal(SchemaType.Json, (await registry.GetSchemaAsync(id)).SchemaType);
        var order = new JsonContractDeserializer<OrderPlaced>(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.General))
            .Deserialize(record.Message.Value, false, new SerializationContext(MessageComponentType.Value, topic));
        Assert.Equal(new OrderPlaced("o-1", 12.5m, null), order);
    }

    [Fact]
    public async Task Herald_json_serializer_to_confluent_deserializer()
    {
        var server = await RegistryServer.Shared;
        using var registry = RegistryServer.Client(server);
        var topic = RegistryServer.Subject("json-out");
        var serializer = new JsonContractSerializer<OrderPlaced>(registry, new JsonContractSerializerOptions
        {
            SerializerOptions = new System.Text.Json.JsonSerializerOptions(ContractSchema.DefaultSerializerOptions) { PropertyNamingPolicy = null },
        });
        using (var producer = new ProducerBuilder<string, OrderPlaced>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap })
                   .SetValueSerializer(serializer)
                   .Build())
        {
            await producer.ProduceAsync(topic, new Message<string, OrderPlaced> { Key = "o-2", Value = new OrderPlaced("o-2", 99m, "gift") });
        }

        // The registered schema is the closed-model contract schema.
        var latest = await registry.GetLatestSchemaAsync($"{topic}-value");
        Assert.Equal(SchemaType.Json, latest.SchemaType);
        Assert.Contains("\"additionalProperties\":false", latest.SchemaString, StringComparison.Ordinal);

        using var consumer = new ConsumerBuilder<string, OrderPlaced>(new ConsumerConfig
        {
            BootstrapServers = server.KafkaBootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetValueDeserializer(new JsonDeserializer<OrderPlaced>(registry).AsSyncOverAsync()).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        ConsumeResult<string, OrderPlaced>? result = null;
        while (result is null && DateTime.UtcNow < deadline)
        {
            result = consumer.Consume(TimeSpan.FromMilliseconds(200));
        }

        Assert.NotNull(result);
        Assert.Equal(new OrderPlaced("o-2", 99m, "gift"), result.Message.Value);
    }

    [Fact]
    public async Task Confluent_avro_serdes_round_trip_through_herald()
    {
        var server = await RegistryServer.Shared;
        using var registry = RegistryServer.Client(server);
        var topic = RegistryServer.Subject("avro");
        var schema = (RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Payment","namespace":"shop","fields":[{"name":"id","type":"string"},{"name":"cents","type":"long"}]}""");
        var payment = new GenericRecord(schema);
        payment.Add("id", "p-1");
        payment.Add("cents", 1250L);
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap })
                   .SetValueSerializer(new AvroSerializer<GenericRecord>(registry))
                   .Build())
        {
            await producer.ProduceAsync(topic, new Message<string, GenericRecord> { Key = "p-1", Value = payment });
        }

        using var consumer = new ConsumerBuilder<string, GenericRecord>(new ConsumerConfig
        {
            BootstrapServers = server.KafkaBootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).SetValueDeserializer(new AvroDeserializer<GenericRecord>(registry).AsSyncOverAsync()).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        ConsumeResult<string, GenericRecord>? result = null;
        while (result is null && DateTime.UtcNow < deadline)
        {
            result = consumer.Consume(TimeSpan.FromMilliseconds(200));
        }

        Assert.NotNull(result);
        Assert.Equal("p-1", result.Message.Value["id"]);
        Assert.Equal(1250L, result.Message.Value["cents"]);
        Assert.Equal([1], await registry.GetSubjectVersionsAsync($"{topic}-value"));
    }
}
