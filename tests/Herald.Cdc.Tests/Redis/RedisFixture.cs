using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cdc.Model;
using Herald.Cdc.Redis;
using Herald.Testing;
using StackExchange.Redis;

namespace Herald.Cdc.Tests.Redis;

/// <summary>The real broker and redis-server shared by the Redis projection tests, with helpers to produce and project.</summary>
internal static class RedisFixture
{
    private static readonly Lazy<Task<ConnectionMultiplexer>> SharedRedis = new(async () =>
    {
        var server = await RedisServer.Shared;
        return await ConnectionMultiplexer.ConnectAsync(server.EndPoint + ",allowAdmin=true");
    });

    public static Task<ConnectionMultiplexer> Redis => SharedRedis.Value;

    public static async Task<string> BootstrapAsync() => (await TestBroker.Shared).KafkaBootstrap;

    public static async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = await BootstrapAsync() }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    public static async Task<int> ProduceAsync(IEnumerable<CdcRecord> records)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = await BootstrapAsync(), Acks = Acks.All }).Build();
        var count = 0;
        foreach (var record in records)
        {
            var headers = new Headers();
            foreach (var (name, value) in record.Headers)
            {
                headers.Add(name, System.Text.Encoding.UTF8.GetBytes(value));
            }

            await producer.ProduceAsync(record.Topic, new Message<byte[]?, byte[]?> { Key = record.Key, Value = record.Value, Headers = headers });
            count++;
        }

        return count;
    }

    /// <summary>Runs a sink in a fresh group until it has applied <paramref name="expected"/> records, then stops it.</summary>
    public static async Task<List<ProjectionApplied>> ProjectAsync(RedisProjectionOptions options, int expected)
    {
        var applied = new List<ProjectionApplied>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        options = options with
        {
            BootstrapServers = await BootstrapAsync(),
            GroupId = TestBroker.UniqueName("redis-projection"),
            OnApplied = result =>
            {
                lock (applied)
                {
                    applied.Add(result);
                    if (applied.Count >= expected)
                    {
                        done.TrySetResult();
                    }
                }
            },
        };
        using var stop = new CancellationTokenSource();
        var sink = new RedisProjectionSink(await Redis, options);
        var running = sink.RunAsync(stop.Token);
        var finished = await Task.WhenAny(done.Task, running, Task.Delay(TimeSpan.FromSeconds(60)));
        await stop.CancelAsync();
        await running;
        Assert.True(done.Task.IsCompleted, $"the sink applied {applied.Count} of {expected} records");
        lock (applied)
        {
            return [.. applied];
        }
    }

    /// <summary>Every hash under <paramref name="prefix"/> as id → fields.</summary>
    public static async Task<Dictionary<long, Dictionary<string, string>>> ReadStateAsync(int database, string prefix)
    {
        var redis = await Redis;
        var server = redis.GetServers()[0];
        var db = redis.GetDatabase(database);
        var state = new Dictionary<long, Dictionary<string, string>>();
        await foreach (var key in server.KeysAsync(database, prefix + "*"))
        {
            var text = key.ToString();
            if (await db.KeyTypeAsync(key) != RedisType.Hash)
            {
                continue;
            }

            var id = long.Parse(text[(text.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            state[id] = (await db.HashGetAllAsync(key)).ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        }

        return state;
    }
}
