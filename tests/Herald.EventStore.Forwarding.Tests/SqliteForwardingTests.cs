using Herald.EventStore.Forwarding.Replay;
using Herald.EventStore.Projections;
using Herald.EventStore.Sqlite;
using Herald.Testing;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Herald.EventStore.Forwarding.Tests;

/// <summary>Forwarding and replay over a SQLite file.</summary>
public sealed class SqliteForwardingTests : ForwardingCompliance
{
    private readonly TempSqliteFile _file = new("es-forward", "events.db");

    protected override string WritableConnectionString => _file.ConnectionString;

    protected override string ReadOnlyConnectionString => ReadOnlyEventStore.SqliteConnectionString(_file.ConnectionString);

    protected override Task<IProjectionStore> CreateStoreAsync()
    {
        _file.Create();
        return Task.FromResult<IProjectionStore>(new SqliteEventStore(_file.ConnectionString));
    }

    protected override Task DropDatabaseAsync()
    {
        _file.Delete();
        return Task.CompletedTask;
    }

    protected override FeedReplayer NewReplayer() => FeedReplayer.ForSqlite(_file.ConnectionString);

    protected override async Task InsertEventDirectlyAsync(string connectionString)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO events (stream_id, stream_version, event_id, event_type, schema_version, data, recorded_at) VALUES ('direct', 1, '{Guid.NewGuid()}', 'Direct', 1, x'7b7d', 0)";
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_replayer_over_a_missing_file_fails_instead_of_creating_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "herald-tests", $"missing-{Guid.NewGuid():N}.db");
        await using var replayer = FeedReplayer.ForSqlite($"Data Source={missing}");

        await Assert.ThrowsAsync<EventStoreException>(() => replayer.ReplayToTopicAsync(new TopicReplayOptions("t", "127.0.0.1:1")));
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task A_forwarder_registered_with_AddHerald_logs_in_with_the_sdks_security_settings()
    {
        var secure = await SecureTestBroker.Shared;
        var topic = NewTopic();
        await AppendAsync("secure-1", 3);
        var services = new ServiceCollection().AddLogging().AddSingleton(Store);
        services.AddHerald(o => o.Bootstrap(secure.KafkaBootstrap).Security(c =>
        {
            c.SecurityProtocol = SecurityProtocol.SaslPlaintext;
            c.SaslMechanism = SaslMechanism.ScramSha512;
            c.SaslUsername = SecureTestBroker.AdminUser;
            c.SaslPassword = SecureTestBroker.AdminPassword;
        }));
        services.AddEventForwarder(new EventForwarderOptions(topic, secure.KafkaBootstrap) { PollInterval = TimeSpan.FromMilliseconds(20), DeliveryTimeout = TimeSpan.FromSeconds(5) });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().OfType<EventForwarderHostedService>().Single();

        await hosted.StartAsync(CancellationToken.None);
        var head = await Store.GetHeadPositionAsync();
        var status = await WaitForCheckpointAsync(hosted.Forwarder, s => s.Position == head || s.Error is not null);
        await hosted.StopAsync(CancellationToken.None);

        Assert.Null(status.Error);
        Assert.Equal(3, secure.Broker.Topics.Find(topic)!.Partitions.Sum(p => p.LogEndOffset));
    }
}
