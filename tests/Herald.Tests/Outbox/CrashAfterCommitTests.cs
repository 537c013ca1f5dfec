using System.Diagnostics;
using Herald.Contracts;
using Herald.Outbox;
using Herald.PostgreSql;
using Herald.Testing;
using Herald.Tests.Sdk;

namespace Herald.Tests.Outbox;

/// <summary>A producer process killed right after its outbox transaction commits: a fresh relay publishes what it left behind.</summary>
public sealed class CrashAfterCommitTests
{
    private const int Events = 30;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public async Task Events_committed_by_a_process_killed_before_its_relay_published_are_published_by_a_fresh_relay(string engine)
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("orders");
        var database = engine == "sqlite" ? SdkHost.NewDatabase() : await (await PostgresCluster.Shared).CreateDatabaseAsync("crash");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Herald.Tests.CrashProducer.dll"), server.KafkaBootstrap, engine, database, topic, Events.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        using (var doomed = Process.Start(start)!)
        {
            _ = doomed.StandardOutput.ReadToEndAsync();
            var errors = doomed.StandardError.ReadToEndAsync();
            Assert.True(doomed.WaitForExit(60_000), "the producer should have killed itself after its commit");
            Assert.True(doomed.ExitCode == 137, $"expected death by SIGKILL (137), got {doomed.ExitCode}: {await errors}");
        }

        IOutboxStore store = engine == "sqlite" ? new SqliteOutboxStore(database) : new PostgreSqlOutboxStore(database);
        await using (store as IAsyncDisposable)
        {
            // The transaction survived the kill; nothing completed its rows. The fresh relay waits for the killed one's lease to expire.
            Assert.Equal(Events, (await store.GetStatusAsync()).BacklogRows);

            using var relay = new OutboxRelay(store, new HeraldOptions { BootstrapServers = server.KafkaBootstrap });
            await relay.StartAsync(CancellationToken.None);
            try
            {
                await SdkHost.WaitUntilAsync(() => relay.Published == Events, "the fresh relay to publish the left-behind rows");
            }
            finally
            {
                await relay.StopAsync(CancellationToken.None);
            }

            Assert.Equal(0, (await store.GetStatusAsync()).BacklogRows);
        }

        // The killed relay may have produced some rows before it died (same event ids): compare by event id, in order of first arrival.
        var records = ReadToHighWatermark(server.KafkaBootstrap, topic);
        var sequences = records.DistinctBy(r => TopicReader.Header(r, EnvelopeHeaders.EventId))
            .Select(r => System.Text.Json.JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("sequence").GetInt32())
            .ToArray();
        Assert.Equal(Enumerable.Range(0, Events), sequences);
    }

    private static IReadOnlyList<Confluent.Kafka.ConsumeResult<string?, byte[]>> ReadToHighWatermark(string bootstrap, string topic)
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string?, byte[]>(new Confluent.Kafka.ConsumerConfig { BootstrapServers = bootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        var high = consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
        return TopicReader.Read(bootstrap, topic, checked((int)high));
    }
}
