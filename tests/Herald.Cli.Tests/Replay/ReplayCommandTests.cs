using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Cli.Tests.EndToEnd;
using Herald.EventStore;
using Herald.EventStore.PostgreSql;
using Herald.Testing;

namespace Herald.Cli.Tests.Replay;

[Trait("Category", "EndToEnd")]
public sealed class ReplayCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private static string NewTopic() => TestBroker.UniqueName("replay");

    private Task<CliRun> Herald(params string[] args) => CliRun.RunAsync([.. args, "--bootstrap", broker.Bootstrap]);

    [Fact]
    public async Task A_dry_run_reports_what_it_would_publish_and_publishes_nothing()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        var topic = NewTopic();

        var run = await Herald("replay", "--sqlite", seed.File, "--topic", topic, "--from", "2", "--to", "10", "--stream-prefix", "acct-");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            $"dry run: would publish 6 event(s) of 3 stream(s), positions 2-10 to '{topic}' (read 9 in positions 2-10); pass --execute to publish",
            Assert.Single(run.StderrLines));
        Assert.Contains(run.StdoutLines, l => l.Contains("Deposited", StringComparison.Ordinal) && l.Contains('4', StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.Contains("Withdrawn", StringComparison.Ordinal) && l.Contains('2', StringComparison.Ordinal));
        Assert.Empty(ReadTopic(topic));
    }

    [Fact]
    public async Task A_dry_run_with_json_prints_one_summary_object()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        var topic = NewTopic();

        var run = await Herald("replay", "--sqlite", seed.File, "--topic", topic, "--type", "Withdrawn", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        var root = json.RootElement;
        Assert.False(root.GetProperty("executed").GetBoolean());
        Assert.Equal(topic, root.GetProperty("topic").GetString());
        Assert.Equal(1, root.GetProperty("from").GetInt64());
        Assert.Equal(11, root.GetProperty("to").GetInt64());
        Assert.Equal(11, root.GetProperty("eventsRead").GetInt64());
        Assert.Equal(2, root.GetProperty("events").GetInt64());
        Assert.Equal(4, root.GetProperty("firstPosition").GetInt64());
        Assert.Equal(9, root.GetProperty("lastPosition").GetInt64());
        Assert.Equal(2, root.GetProperty("streams").GetInt32());
        Assert.Equal(2, root.GetProperty("eventTypes").GetProperty("Withdrawn").GetInt64());
        Assert.Empty(ReadTopic(topic));
    }

    [Fact]
    public async Task Execute_publishes_exactly_the_range_without_system_streams()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        var topic = NewTopic();

        var run = await Herald("replay", "--sqlite", seed.File, "--topic", topic, "--from", "3", "--to", "8", "--execute");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith($"published 5 event(s) of 3 stream(s), positions 3-8 to '{topic}'", Assert.Single(run.StderrLines), StringComparison.Ordinal);
        var records = ReadTopic(topic);
        Assert.Equal([3L, 4L, 5L, 7L, 8L], records.Select(r => long.Parse(Header(r, "global_position"), CultureInfo.InvariantCulture)));
        Assert.Equal(["acct-1", "acct-2", "acct-2", "other-1", "other-1"], records.Select(r => r.Message.Key));
        var stored = await seed.Store.ReadAllAsync().ToListAsync();
        Assert.Equal(stored.Single(e => e.GlobalPosition == 3).EventId.ToString(), Header(records[0], "event_id"));
    }

    [Theory]
    [InlineData("--from 10 is after --to 5", "--from", "10", "--to", "5")]
    [InlineData("positions start at 1; got --from -1", "--from", "-1")]
    public async Task A_bad_range_is_a_usage_error(string message, params string[] range)
    {
        using var seed = await new EventStoreSeed().SeedAsync();

        var run = await Herald(["replay", "--sqlite", seed.File, "--topic", NewTopic(), .. range]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: {message}", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task A_missing_store_option_an_unknown_file_or_a_file_that_is_no_event_store_is_a_usage_error()
    {
        var missing = await Herald("replay", "--topic", NewTopic());
        var unknown = await Herald("replay", "--sqlite", "/nonexistent/events.db", "--topic", NewTopic());
        var notAStore = Path.GetTempFileName();
        try
        {
            var empty = await Herald("replay", "--sqlite", notAStore, "--topic", NewTopic());

            Assert.True(empty.ExitCode == 2, empty.ToString());
            Assert.StartsWith($"error: '{notAStore}' is not a Herald event store", Assert.Single(empty.StderrLines), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notAStore);
        }

        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Equal("error: name the event store with --sqlite FILE or --postgres \"CONNSTR\"", Assert.Single(missing.StderrLines));
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Equal("error: no event store file at '/nonexistent/events.db'", Assert.Single(unknown.StderrLines));
    }

    [Fact]
    public async Task Execute_against_an_unreachable_broker_fails_in_one_line()
    {
        using var seed = await new EventStoreSeed().SeedAsync();
        using var closed = new ClosedPort();
        var bootstrap = closed.EndPoint;

        var run = await CliRun.RunAsync(["replay", "--sqlite", seed.File, "--topic", NewTopic(), "--execute", "--bootstrap", bootstrap]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: cannot reach broker at {bootstrap}", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task A_postgres_store_replays_too()
    {
        var cluster = await PostgresCluster.Shared;
        var connectionString = await cluster.CreateDatabaseAsync("cli_replay");
        await using (var store = new PostgreSqlEventStore(connectionString))
        {
            await store.EnsureCreatedAsync();
            await store.AppendAsync("acct-1", ExpectedVersion.Any, [EventStoreSeed.Event("Deposited", 1), EventStoreSeed.Event("Withdrawn", 1)]);
        }

        var topic = NewTopic();

        var run = await Herald("replay", "--postgres", connectionString, "--topic", topic, "--execute", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Stdout);
        Assert.True(json.RootElement.GetProperty("executed").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("events").GetInt64());
        Assert.Equal(2, ReadTopic(topic).Count);
    }

    private static string Header(ConsumeResult<string?, byte[]> record, string key) =>
        System.Text.Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(key));

    /// <summary>Every record of the topic, in offset order; empty when the topic does not exist (a metadata request for all topics never creates one).</summary>
    private List<ConsumeResult<string?, byte[]>> ReadTopic(string topic)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.Bootstrap }).Build())
        {
            if (!admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError))
            {
                return [];
            }
        }

        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.Bootstrap,
            GroupId = "replay-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var records = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"did not reach the end of {topic}");
            var result = consumer.Consume(TimeSpan.FromSeconds(1));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                return records;
            }

            records.Add(result);
        }
    }
}
