using System.Data.Common;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Contracts;
using Herald.Outbox;

namespace Herald.Benchmarks.Outbox;

/// <summary>What the relay parts share: a topic per scenario, the SDK options pointing at it, relays, writers and checks.</summary>
internal sealed class RelayRig(string bootstrap, OutboxBenchOptions options, ReadingFactory readings)
{
    public string Bootstrap => bootstrap;

    public OutboxBenchOptions Options => options;

    public ReadingFactory Readings => readings;

    public EventContracts Contracts { get; } = new();

    /// <summary>Creates a topic of its own for one scenario, so its end offsets count exactly that scenario's events.</summary>
    public async Task<string> CreateTopicAsync(string scenario)
    {
        var topic = $"outbox-bench-{scenario}-{Guid.NewGuid().ToString("N")[..8]}";
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = options.Partitions, ReplicationFactor = 1 }]).ConfigureAwait(false);
        return topic;
    }

    /// <summary>The SDK's options with <see cref="ReadingRecorded"/> mapped to <paramref name="topic"/> and the relay's settings.</summary>
    public HeraldOptions SdkOptions(string topic)
    {
        var sdk = new HeraldOptions
        {
            BootstrapServers = bootstrap,
            OutboxRelay = OutboxRelayOptions.Default with
            {
                Name = "bench",
                BatchSize = options.RelayBatch ?? OutboxRelayOptions.Default.BatchSize,
            },
        };
        sdk.TopicsByContract[typeof(ReadingRecorded)] = topic;
        return sdk;
    }

    /// <summary>A relay over <paramref name="store"/>, not started.</summary>
    public static OutboxRelay Relay(IOutboxStore store, HeraldOptions sdk) => new(store, sdk);

    /// <summary>An outbox that wakes <paramref name="relay"/> after each enqueue (null: nobody is woken).</summary>
    public TransactionalOutbox Outbox(IOutboxStore store, HeraldOptions sdk, OutboxRelay? relay) => new(store, sdk, Contracts, relay);

    /// <summary>
    /// Writes events <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 through
    /// <paramref name="outbox"/> in transactions of <paramref name="rowsPerTransaction"/> on one connection; adds each
    /// commit's rows to <paramref name="committed"/>.
    /// </summary>
    public async Task WriteAsync(BenchDatabase database, IOutbox outbox, long first, long count, int rowsPerTransaction, StrongBox<long>? committed, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        for (long done = 0; done < count;)
        {
            var rows = (int)Math.Min(rowsPerTransaction, count - done);
            await using (DbTransaction transaction = await database.BeginAsync(connection, cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < rows; i++)
                {
                    await outbox.EnqueueAsync(readings.Create(first + done + i), transaction, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            done += rows;
            if (committed is not null)
            {
                Interlocked.Add(ref committed.Value, rows);
            }
        }
    }

    /// <summary>Records on <paramref name="topic"/>: the sum of its partitions' end offsets (the topic is the scenario's own).</summary>
    public long CountOnTopic(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "outbox-bench-count" }).Build();
        long total = 0;
        for (var partition = 0; partition < options.Partitions; partition++)
        {
            total += consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value;
        }

        return total;
    }

    /// <summary>Stops and disposes a relay.</summary>
    public static async Task StopAsync(OutboxRelay relay)
    {
        await relay.StopAsync(CancellationToken.None).ConfigureAwait(false);
        relay.Dispose();
    }
}
