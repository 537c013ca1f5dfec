using System.Globalization;
using System.Text.Json;
using Herald.DeadLetters;
using Herald.Testing;

namespace Herald.Cli.Tests.Dlq;

[Trait("Category", "EndToEnd")]
public sealed class DlqDiscardTests
{
    private static async Task<CliRun> Herald(params string[] args) => await CliRun.RunAsync([.. args, "--bootstrap", (await TestBroker.Shared).KafkaBootstrap]);

    private static async Task<DeadLetterSeed> SeedAsync(string topic, int count)
    {
        var seed = new DeadLetterSeed((await TestBroker.Shared).KafkaBootstrap);
        await seed.SeedAsync(topic, count);
        return seed;
    }

    [Fact]
    public async Task Discard_offset_writes_one_audit_record_and_republishes_nothing()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var dlq = DeadLetterHeaders.TopicFor(topic);
        var seed = await SeedAsync(topic, 3);
        var before = DateTime.UtcNow.AddSeconds(-1);

        var run = await Herald("dlq", "discard", topic, "--offset", "1", "--reason", "duplicate of order-0 (INC-43)");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"discarded {dlq}:0:1", run.StderrLines);
        Assert.Contains($"discarded 1 dead letter(s) from {dlq}, skipped 0; audit record at herald.audit:", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(seed.ReadAll(topic));
        Assert.Equal(3, seed.ReadAll(dlq).Count);

        var audit = Assert.Single(seed.AuditRecords(dlq));
        Assert.Equal("dlq.discard", audit.GetProperty("action").GetString());
        Assert.Equal($"{Environment.UserName}@{Environment.MachineName}", audit.GetProperty("who").GetString());
        var at = DateTime.Parse(audit.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(at, before, DateTime.UtcNow.AddSeconds(1));
        Assert.Equal("duplicate of order-0 (INC-43)", audit.GetProperty("reason").GetString());
        Assert.Equal(dlq, audit.GetProperty("dlq_topic").GetString());
        var entry = Assert.Single(audit.GetProperty("records").EnumerateArray());
        Assert.Equal(["partition", "offset"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0, entry.GetProperty("partition").GetInt32());
        Assert.Equal(1, entry.GetProperty("offset").GetInt64());

        var list = await Herald("dlq", "list", topic, "--json");
        using (var rows = JsonDocument.Parse(list.Stdout))
        {
            Assert.Equal(["waiting", "discarded", "waiting"], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("status").GetString()));
            Assert.Equal([false, true, false], rows.RootElement.EnumerateArray().Select(r => r.GetProperty("discarded").GetBoolean()));
            Assert.All(rows.RootElement.EnumerateArray(), r => Assert.False(r.GetProperty("redriven").GetBoolean()));
        }

        Assert.Contains("3 dead letter(s) in", list.Stderr, StringComparison.Ordinal);
        Assert.Contains("0 already redriven, 1 discarded", list.Stderr, StringComparison.Ordinal);
        var table = await Herald("dlq", "list", topic);
        Assert.Contains(table.StdoutLines, l => l.Contains("0:1", StringComparison.Ordinal) && l.Contains("discarded", StringComparison.Ordinal));
        var show = await Herald("dlq", "show", topic, "1", "--json");
        using (var details = JsonDocument.Parse(show.Stdout))
        {
            Assert.Equal("discarded", details.RootElement.GetProperty("status").GetString());
            Assert.True(details.RootElement.GetProperty("discarded").GetBoolean());
        }
    }

    [Fact]
    public async Task A_discarded_dead_letter_is_never_discarded_or_redriven_again()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var dlq = DeadLetterHeaders.TopicFor(topic);
        var seed = await SeedAsync(topic, 2);
        Assert.Equal(0, (await Herald("dlq", "discard", topic, "--offset", "0", "--reason", "test order")).ExitCode);

        var again = await Herald("dlq", "discard", dlq, "--offset", "0", "--partition", "0", "--reason", "once more");
        var redrive = await Herald("dlq", "redrive", topic, "--offset", "0", "--reason", "changed my mind");

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal($"error: dead letter {dlq}:0:0 was already discarded (see herald.audit); nothing to do", Assert.Single(again.StderrLines));
        Assert.True(redrive.ExitCode == 1, redrive.ToString());
        Assert.Equal($"error: dead letter {dlq}:0:0 was already discarded (see herald.audit); nothing to do", Assert.Single(redrive.StderrLines));
        Assert.Empty(seed.ReadAll(topic));
        Assert.Single(seed.AuditRecords(dlq));
    }

    [Fact]
    public async Task A_redriven_dead_letter_cannot_be_discarded()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var dlq = DeadLetterHeaders.TopicFor(topic);
        var seed = await SeedAsync(topic, 1);
        Assert.Equal(0, (await Herald("dlq", "redrive", topic, "--offset", "0", "--reason", "fixed")).ExitCode);

        var run = await Herald("dlq", "discard", topic, "--offset", "0", "--reason", "not needed");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: dead letter {dlq}:0:0 was already redriven (see herald.audit); nothing to do", Assert.Single(run.StderrLines));
        Assert.Single(seed.AuditRecords(dlq));
    }

    [Fact]
    public async Task Discard_all_skips_resolved_dead_letters_and_then_nothing_is_left()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var dlq = DeadLetterHeaders.TopicFor(topic);
        var seed = await SeedAsync(topic, 3);
        Assert.Equal(0, (await Herald("dlq", "redrive", topic, "--offset", "1", "--reason", "fixed")).ExitCode);

        var run = await Herald("dlq", "discard", topic, "--all", "--reason", "stale test data", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using (var outcome = JsonDocument.Parse(run.Stdout))
        {
            Assert.Equal(dlq, outcome.RootElement.GetProperty("dlqTopic").GetString());
            Assert.Equal([0L, 2L], outcome.RootElement.GetProperty("discarded").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64()));
            var skipped = Assert.Single(outcome.RootElement.GetProperty("skipped").EnumerateArray());
            Assert.Equal(1, skipped.GetProperty("offset").GetInt64());
            Assert.Equal("redriven", skipped.GetProperty("status").GetString());
            Assert.Equal("herald.audit", outcome.RootElement.GetProperty("audit").GetProperty("topic").GetString());
        }

        var audits = seed.AuditRecords(dlq);
        Assert.Equal(["dlq.redrive", "dlq.discard"], audits.Select(a => a.GetProperty("action").GetString()));
        Assert.Equal([0L, 2L], audits[1].GetProperty("records").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64()));

        var redrive = await Herald("dlq", "redrive", topic, "--all", "--reason", "again");
        var discard = await Herald("dlq", "discard", topic, "--all", "--reason", "again");

        Assert.Equal($"error: all 3 dead letter(s) in {dlq} were already redriven or discarded (see herald.audit); nothing to do", Assert.Single(redrive.StderrLines));
        Assert.Equal($"error: all 3 dead letter(s) in {dlq} were already redriven or discarded (see herald.audit); nothing to do", Assert.Single(discard.StderrLines));
        Assert.Equal(1, redrive.ExitCode);
        Assert.Equal(1, discard.ExitCode);
        Assert.Single(seed.ReadAll(topic));
        Assert.Equal(2, seed.AuditRecords(dlq).Count);
    }

    [Fact]
    public async Task Discard_of_a_missing_offset_fails_in_one_line_and_audits_nothing()
    {
        var topic = DeadLetterSeed.UniqueTopic();
        var seed = await SeedAsync(topic, 1);

        var run = await Herald("dlq", "discard", topic, "--offset", "4", "--reason", "gone");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: no dead letter at {topic}.dlq:0:4 (partition 0 holds offsets 0..0)", Assert.Single(run.StderrLines));
        Assert.Empty(seed.AuditRecords(DeadLetterHeaders.TopicFor(topic)));
    }
}
