using System.Globalization;
using System.Text.Json;
using Herald.Cli.Tests.EndToEnd;
using Herald.Contracts;
using Herald.DeadLetters;

namespace Herald.Cli.Tests.Dlq;

[Trait("Category", "EndToEnd")]
public sealed class DlqCommandTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    private DeadLetterSeed Seed => new(broker.Bootstrap);

    private Task<CliRun> Herald(params string[] args) => CliRun.RunAsync([.. args, "--bootstrap", broker.Bootstrap]);

    [Fact]
    public async Task List_prints_one_row_per_dead_letter_without_the_payload()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        await Seed.SeedAsync(topic, 3);

        var run = await Herald("dlq", "list", topic);

        Assert.True(run.ExitCode == 0, run.ToString());
        var rows = run.StdoutLines.Where(l => l.Contains(DeadLetterReasons.HandlerFailed, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Contains(rows, r => r.Contains("0:1", StringComparison.Ordinal) && r.Contains($"{topic}:0:101", StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains("System.TimeoutException", r, StringComparison.Ordinal));
        Assert.All(rows, r => Assert.Contains("2026-11-26T06:0", r, StringComparison.Ordinal));
        Assert.DoesNotContain("orderId", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 dead letter(s)", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_json_accepts_the_dlq_topic_and_honors_limit()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        await Seed.SeedAsync(topic, 3, DeadLetterReasons.DeserializationFailed);

        var run = await Herald("dlq", "list", DeadLetterHeaders.TopicFor(topic), "--json", "--limit", "2");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("orderId", run.Stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(run.Stdout);
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(0, rows[0].GetProperty("partition").GetInt32());
        Assert.Equal(1, rows[1].GetProperty("offset").GetInt64());
        Assert.Equal(DeadLetterReasons.DeserializationFailed, rows[0].GetProperty("reason").GetString());
        Assert.Equal("System.TimeoutException", rows[0].GetProperty("exceptionType").GetString());
        Assert.Equal(5, rows[0].GetProperty("attempts").GetInt32());
        Assert.Equal(topic, rows[0].GetProperty("originalTopic").GetString());
        Assert.Equal(0, rows[0].GetProperty("originalPartition").GetInt32());
        Assert.Equal(101, rows[1].GetProperty("originalOffset").GetInt64());
        Assert.False(rows[0].GetProperty("redriven").GetBoolean());
        Assert.False(rows[0].GetProperty("discarded").GetBoolean());
        Assert.Equal("waiting", rows[0].GetProperty("status").GetString());
        Assert.Contains("showing 2 of 3", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_of_a_topic_that_never_had_a_dead_letter_says_there_are_none()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        Assert.Equal(0, (await Herald("topic", "create", topic)).ExitCode);

        var run = await Herald("dlq", "list", topic);
        var json = await Herald("dlq", "list", topic, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.Equal($"no dead letters in {topic}.dlq: the topic does not exist, nothing from {topic} was ever dead-lettered", Assert.Single(run.StderrLines));
        Assert.True(json.ExitCode == 0, json.ToString());
        using var rows = JsonDocument.Parse(json.Stdout);
        Assert.Equal(0, rows.RootElement.GetArrayLength());
    }

    [Fact]
    public async Task List_of_a_topic_that_does_not_exist_fails_in_one_line()
    {
        var topic = DeadLetterSeed.UniqueTopic();

        var run = await Herald("dlq", "list", topic);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: topic '{topic}' does not exist (and neither does {topic}.dlq)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Show_prints_headers_key_and_payload()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        await Seed.SeedAsync(topic, 2);

        var run = await Herald("dlq", "show", topic, "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(DeadLetterSeed.Payload(1), run.Stdout, StringComparison.Ordinal);
        Assert.Contains("order-1", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(DeadLetterHeaders.ExceptionMessage, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("payment service timed out", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("traceparent", run.Stdout, StringComparison.Ordinal);

        var json = await Herald("dlq", "show", DeadLetterHeaders.TopicFor(topic), "0", "--partition", "0", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Stdout);
        var root = document.RootElement;
        Assert.Equal(DeadLetterSeed.Payload(0), root.GetProperty("payload").GetProperty("text").GetString());
        Assert.Equal("utf-8", root.GetProperty("payload").GetProperty("encoding").GetString());
        Assert.Equal("order-0", root.GetProperty("key").GetProperty("text").GetString());
        Assert.Contains(root.GetProperty("deadLetterHeaders").EnumerateArray(), h => h.GetProperty("key").GetString() == DeadLetterHeaders.ConsumerGroup && h.GetProperty("value").GetString() == "billing");
        Assert.Equal(DeadLetterSeed.PublisherHeaders, root.GetProperty("headers").EnumerateArray().Select(h => h.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Show_prints_a_payload_that_is_not_utf8_as_base64()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        await Seed.SeedAsync(topic, 1);
        byte[] payload = [0xff, 0xfe, 0x00, 0x01];
        var offset = await Seed.SeedBinaryAsync(topic, payload);

        var run = await Herald("dlq", "show", topic, offset.ToString(CultureInfo.InvariantCulture));
        var json = await Herald("dlq", "show", topic, offset.ToString(CultureInfo.InvariantCulture), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Payload (base64, 4 bytes):", run.Stdout, StringComparison.Ordinal);
        Assert.Contains(Convert.ToBase64String(payload), run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Other headers: (none)", run.Stdout, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("base64", document.RootElement.GetProperty("payload").GetProperty("encoding").GetString());
        Assert.Equal(payload, Convert.FromBase64String(document.RootElement.GetProperty("payload").GetProperty("text").GetString()!));
    }

    [Fact]
    public async Task Show_of_a_missing_offset_fails_in_one_line()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        await Seed.SeedAsync(topic, 1);

        var run = await Herald("dlq", "show", topic, "7");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: no dead letter at {topic}.dlq:0:7 (partition 0 holds offsets 0..0)", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Redrive_without_reason_publishes_nothing()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        await Seed.SeedAsync(topic, 2);

        var run = await Herald("dlq", "redrive", topic, "--offset", "0");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("error: redrive needs --reason \"why\"", Assert.Single(run.StderrLines));
        Assert.Empty(Seed.ReadAll(topic));
        Assert.Empty(Seed.AuditRecords(DeadLetterHeaders.TopicFor(topic)));
    }

    [Fact]
    public async Task Redrive_offset_republishes_with_redrive_headers_and_audits_once_then_refuses_again()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var dlq = DeadLetterHeaders.TopicFor(topic);
        await Seed.SeedAsync(topic, 3);
        var before = DateTime.UtcNow.AddSeconds(-1);

        var run = await Herald("dlq", "redrive", topic, "--offset", "1", "--reason", "payment service fixed (INC-42)");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"redrove {dlq}:0:1 to {topic}:0:0", run.Stderr, StringComparison.Ordinal);
        var record = Assert.Single(Seed.ReadAll(topic));
        Assert.Equal("order-1", record.Message.Key);
        Assert.Equal(DeadLetterSeed.Payload(1), record.Message.Value);
        Assert.Equal($"{dlq}:0:1", DeadLetterSeed.Header(record, DeadLetterHeaders.RedrivenFrom));
        Assert.Equal("payment service fixed (INC-42)", DeadLetterSeed.Header(record, DeadLetterHeaders.RedriveReason));
        Assert.Equal(DeadLetterSeed.TraceParent(1), DeadLetterSeed.Header(record, "traceparent"));
        Assert.Equal("OrderPlaced", DeadLetterSeed.Header(record, EnvelopeHeaders.EventType));
        Assert.Equal(DeadLetterSeed.PublisherHeaders, record.Message.Headers.Select(h => h.Key).Where(k => !k.StartsWith("herald.redrive.", StringComparison.Ordinal)));
        Assert.DoesNotContain(record.Message.Headers, h => h.Key.StartsWith("herald.dlq.", StringComparison.Ordinal));

        var audit = Assert.Single(Seed.AuditRecords(dlq));
        Assert.Equal("dlq.redrive", audit.GetProperty("action").GetString());
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", audit.GetProperty("who").GetString());
        var at = DateTime.Parse(audit.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(at, before, DateTime.UtcNow.AddSeconds(1));
        Assert.EndsWith("Z", audit.GetProperty("at").GetString(), StringComparison.Ordinal);
        Assert.Equal("payment service fixed (INC-42)", audit.GetProperty("reason").GetString());
        Assert.Equal(dlq, audit.GetProperty("dlq_topic").GetString());
        var entry = Assert.Single(audit.GetProperty("records").EnumerateArray());
        Assert.Equal(0, entry.GetProperty("partition").GetInt32());
        Assert.Equal(1, entry.GetProperty("offset").GetInt64());
        Assert.Equal(topic, entry.GetProperty("target_topic").GetString());
        Assert.Equal(0, entry.GetProperty("target_partition").GetInt32());
        Assert.Equal(0, entry.GetProperty("target_offset").GetInt64());

        var list = await Herald("dlq", "list", topic, "--json");
        using (var rows = JsonDocument.Parse(list.Stdout))
        {
            Assert.Equal([false, true, false], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("redriven").GetBoolean()));
            Assert.Equal(["waiting", "redriven", "waiting"], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        }

        var again = await Herald("dlq", "redrive", dlq, "--offset", "1", "--partition", "0", "--reason", "once more");

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal($"error: dead letter {dlq}:0:1 was already redriven (see herald.audit); nothing to do", Assert.Single(again.StderrLines));
        Assert.Single(Seed.ReadAll(topic));
        Assert.Single(Seed.AuditRecords(dlq));
    }

    [Fact]
    public async Task Redrive_all_skips_what_was_already_redriven()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var dlq = DeadLetterHeaders.TopicFor(topic);
        await Seed.SeedAsync(topic, 4);
        Assert.Equal(0, (await Herald("dlq", "redrive", topic, "--offset", "2", "--reason", "first one")).ExitCode);

        var run = await Herald("dlq", "redrive", topic, "--all", "--reason", "the rest", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using (var outcome = JsonDocument.Parse(run.Stdout))
        {
            Assert.Equal([0L, 1L, 3L], outcome.RootElement.GetProperty("redriven").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64()));
            var skipped = Assert.Single(outcome.RootElement.GetProperty("skipped").EnumerateArray());
            Assert.Equal(2, skipped.GetProperty("offset").GetInt64());
            Assert.Equal("redriven", skipped.GetProperty("status").GetString());
            Assert.Equal("herald.audit", outcome.RootElement.GetProperty("audit").GetProperty("topic").GetString());
            Assert.All(outcome.RootElement.GetProperty("redriven").EnumerateArray(), r => Assert.Equal(topic, r.GetProperty("targetTopic").GetString()));
            Assert.Equal([1L, 2L, 3L], outcome.RootElement.GetProperty("redriven").EnumerateArray().Select(r => r.GetProperty("targetOffset").GetInt64()));
        }

        var published = Seed.ReadAll(topic);
        Assert.Equal(["order-2", "order-0", "order-1", "order-3"], published.Select(r => r.Message.Key));
        Assert.Equal([$"{dlq}:0:2", $"{dlq}:0:0", $"{dlq}:0:1", $"{dlq}:0:3"], published.Select(r => DeadLetterSeed.Header(r, DeadLetterHeaders.RedrivenFrom)));
        var audits = Seed.AuditRecords(dlq);
        Assert.Equal(2, audits.Count);
        Assert.Equal("the rest", audits[1].GetProperty("reason").GetString());
        Assert.Equal([0L, 1L, 3L], audits[1].GetProperty("records").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64()));

        var again = await Herald("dlq", "redrive", topic, "--all", "--reason", "again");

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal($"error: all 4 dead letter(s) in {dlq} were already redriven (see herald.audit); nothing to do", Assert.Single(again.StderrLines));
        Assert.Equal(4, Seed.ReadAll(topic).Count);
        Assert.Equal(2, Seed.AuditRecords(dlq).Count);
    }
}
