using System.Text.Json;

namespace Herald.Cli.Tests.EndToEnd;

[Trait("Category", "EndToEnd")]
public sealed class CliAgainstBrokerTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private static string UniqueTopic() => "cli-" + Guid.NewGuid().ToString("N")[..12];

    private Task<CliRun> Herald(string[] args, string? stdin = null) => CliRun.RunAsync([.. args, "--bootstrap", broker.Bootstrap], stdin);

    [Fact]
    public async Task Create_list_describe_produce_consume_round_trip()
    {
        var topic = UniqueTopic();
        var records = Enumerable.Range(0, 100).Select(i => $"key-{i % 7}:value-{i}").ToList();

        var created = await Herald(["topic", "create", topic, "--partitions", "3", "--config", "retention.ms=86400000"]);
        Assert.True(created.ExitCode == 0, created.ToString());

        var list = await Herald(["topic", "list", "--json"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var topics = JsonDocument.Parse(list.Stdout))
        {
            var entry = Assert.Single(topics.RootElement.EnumerateArray(), t => t.GetProperty("name").GetString() == topic);
            Assert.Equal(3, entry.GetProperty("partitions").GetInt32());
        }

        var produced = await Herald(["produce", topic, "--key-separator", ":", "--json"], CliRun.Lines(records));
        Assert.True(produced.ExitCode == 0, produced.ToString());
        using (var summary = JsonDocument.Parse(produced.Stdout))
        {
            Assert.Equal(100, summary.RootElement.GetProperty("count").GetInt64());
            Assert.Equal(topic, summary.RootElement.GetProperty("topic").GetString());
        }

        var described = await Herald(["topic", "describe", topic, "--json"]);
        Assert.True(described.ExitCode == 0, described.ToString());
        using (var description = JsonDocument.Parse(described.Stdout))
        {
            var partitions = description.RootElement.GetProperty("partitions").EnumerateArray().ToList();
            Assert.Equal(3, partitions.Count);
            Assert.Equal(100, partitions.Sum(p => p.GetProperty("high").GetInt64() - p.GetProperty("low").GetInt64()));
            Assert.All(partitions, p => Assert.True(p.GetProperty("leader").GetInt32() >= 0));
            Assert.Equal("86400000", description.RootElement.GetProperty("configs").GetProperty("retention.ms").GetString());
        }

        var consumed = await Herald(["consume", topic, "--from-beginning", "--count", "100", "--print-key", "--timeout", "20"]);
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        var expected = records.Select(r => r.Replace(':', '\t')).Order(StringComparer.Ordinal);
        Assert.Equal(expected, consumed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Records_of_one_key_keep_their_order()
    {
        var topic = UniqueTopic();
        Assert.Equal(0, (await Herald(["topic", "create", topic, "--partitions", "3"])).ExitCode);
        var records = Enumerable.Range(0, 50).Select(i => $"same\t{i}").ToList();
        Assert.Equal(0, (await Herald(["produce", topic, "--key-separator", "\t"], CliRun.Lines(records))).ExitCode);

        var consumed = await Herald(["consume", topic, "--from-beginning", "--count", "50", "--print-key", "--timeout", "20"]);

        Assert.Equal(records, consumed.StdoutLines);
    }

    [Fact]
    public async Task Json_lines_carry_every_record_field()
    {
        var topic = UniqueTopic();
        Assert.Equal(0, (await Herald(["topic", "create", topic])).ExitCode);
        Assert.Equal(0, (await Herald(["produce", topic, "--key-separator", "=", "--partition", "0"], "k=v\n")).ExitCode);

        var consumed = await Herald(["consume", topic, "--from-beginning", "--count", "1", "--json", "--timeout", "20"]);

        using var line = JsonDocument.Parse(Assert.Single(consumed.StdoutLines));
        var record = line.RootElement;
        Assert.Equal(topic, record.GetProperty("topic").GetString());
        Assert.Equal(0, record.GetProperty("partition").GetInt32());
        Assert.Equal(0, record.GetProperty("offset").GetInt64());
        Assert.Equal("k", record.GetProperty("key").GetString());
        Assert.Equal("v", record.GetProperty("value").GetString());
        Assert.True(record.GetProperty("timestamp").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Array, record.GetProperty("headers").ValueKind);
    }

    [Fact]
    public async Task Group_consumer_resumes_after_its_committed_offset()
    {
        var topic = UniqueTopic();
        var group = "g-" + topic;
        Assert.Equal(0, (await Herald(["topic", "create", topic])).ExitCode);
        Assert.Equal(0, (await Herald(["produce", topic], CliRun.Lines(["1", "2", "3", "4"]))).ExitCode);

        var first = await Herald(["consume", topic, "--group", group, "--from-beginning", "--count", "2", "--timeout", "20"]);
        var second = await Herald(["consume", topic, "--group", group, "--from-beginning", "--count", "2", "--timeout", "20"]);

        Assert.Equal(["1", "2"], first.StdoutLines);
        Assert.Equal(["3", "4"], second.StdoutLines);
    }

    [Fact]
    public async Task Consume_stops_after_the_idle_timeout()
    {
        var topic = UniqueTopic();
        Assert.Equal(0, (await Herald(["topic", "create", topic])).ExitCode);

        var consumed = await Herald(["consume", topic, "--from-beginning", "--timeout", "1"]);

        Assert.Equal(0, consumed.ExitCode);
        Assert.Empty(consumed.Stdout);
    }

    [Fact]
    public async Task Missing_topic_is_one_clear_line()
    {
        var topic = UniqueTopic();

        foreach (var command in new[] { new[] { "topic", "describe", topic }, ["consume", topic, "--count", "1"] })
        {
            var run = await Herald(command);
            Assert.Equal(1, run.ExitCode);
            Assert.Equal($"error: topic '{topic}' does not exist", Assert.Single(run.StderrLines));
        }
    }

    [Fact]
    public async Task Creating_an_existing_topic_is_one_clear_line()
    {
        var topic = UniqueTopic();
        Assert.Equal(0, (await Herald(["topic", "create", topic])).ExitCode);

        var again = await Herald(["topic", "create", topic]);

        Assert.Equal(1, again.ExitCode);
        Assert.Equal($"error: topic '{topic}' already exists", Assert.Single(again.StderrLines));
    }
}
