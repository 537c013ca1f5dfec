using System.Text.Json;
using Confluent.Kafka;

namespace Herald.Cli.Tests.Groups;

[Trait("Category", "EndToEnd")]
public sealed class ResetOffsetsTests
{
    private static async Task<(GroupSeed Seed, string Topic, string Group)> StoppedGroupAsync(int produced, params long[] committed)
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic, committed.Length);
        for (var p = 0; p < committed.Length; p++)
        {
            await seed.ProduceAsync(topic, produced, p);
        }

        seed.Commit(group, committed.Select((offset, p) => new TopicPartitionOffset(topic, p, offset)).ToArray());
        return (seed, topic, group);
    }

    [Fact]
    public async Task Dry_run_prints_the_plan_and_changes_nothing()
    {
        var (seed, topic, group) = await StoppedGroupAsync(10, 4, 7);

        var json = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "--json");
        var text = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-earliest");

        Assert.True(json.ExitCode == 0, json.ToString());
        using (var plan = JsonDocument.Parse(json.Stdout))
        {
            var root = plan.RootElement;
            Assert.False(root.GetProperty("executed").GetBoolean());
            Assert.Equal("earliest", root.GetProperty("target").GetString());
            var partitions = root.GetProperty("partitions").EnumerateArray().ToList();
            Assert.Equal([0, 1], partitions.Select(p => p.GetProperty("partition").GetInt32()));
            Assert.Equal([4L, 7L], partitions.Select(p => p.GetProperty("currentOffset").GetInt64()));
            Assert.Equal([0L, 0L], partitions.Select(p => p.GetProperty("newOffset").GetInt64()));
            Assert.Equal([10L, 10L], partitions.Select(p => p.GetProperty("endOffset").GetInt64()));
        }

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal(["0", "4", "0", "0", "10"], GroupsCommandTests.Cells(Assert.Single(text.StdoutLines, l => GroupsCommandTests.Cells(l) is ["0", "4", ..])));
        Assert.StartsWith("dry run: nothing changed; add --execute", Assert.Single(text.StderrLines), StringComparison.Ordinal);
        Assert.Equal([4L, 7L], await seed.CommittedAsync(group, topic, 2));
    }

    [Fact]
    public async Task Execute_moves_the_committed_offsets_to_latest_then_shifts_them_within_the_log()
    {
        var (seed, topic, group) = await StoppedGroupAsync(10, 4);

        var latest = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-latest", "--execute");

        Assert.True(latest.ExitCode == 0, latest.ToString());
        Assert.Equal($"reset 1 partition(s) of group '{group}' on {topic} to latest", Assert.Single(latest.StderrLines));
        Assert.Equal([10L], await seed.CommittedAsync(group, topic));

        var back = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--shift-by", "-3", "--execute", "--json");

        Assert.True(back.ExitCode == 0, back.ToString());
        using (var plan = JsonDocument.Parse(back.Stdout))
        {
            Assert.True(plan.RootElement.GetProperty("executed").GetBoolean());
            Assert.Equal("shift-by -3", plan.RootElement.GetProperty("target").GetString());
        }

        Assert.Equal([7L], await seed.CommittedAsync(group, topic));

        Assert.Equal(0, (await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--shift-by", "-100", "--execute")).ExitCode);
        Assert.Equal([0L], await seed.CommittedAsync(group, topic));
        Assert.Equal(0, (await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--shift-by", "100", "--execute")).ExitCode);
        Assert.Equal([10L], await seed.CommittedAsync(group, topic));
    }

    [Fact]
    public async Task To_datetime_finds_the_first_record_at_or_after_the_time()
    {
        var (seed, topic, group) = await StoppedGroupAsync(5, 3);

        var past = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-datetime", "2000-01-01T00:00:00Z", "--execute");
        Assert.True(past.ExitCode == 0, past.ToString());
        Assert.Equal([0L], await seed.CommittedAsync(group, topic));

        var future = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-datetime", DateTime.UtcNow.AddDays(1).ToString("O"), "--execute");
        Assert.True(future.ExitCode == 0, future.ToString());
        Assert.Equal([5L], await seed.CommittedAsync(group, topic));
    }

    [Fact]
    public async Task Reset_is_refused_while_the_group_has_members()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);
        await seed.ProduceAsync(topic, 4);
        using var member = seed.Join(group, topic, "running-worker");

        var dryRun = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-earliest");
        var execute = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "--execute");

        foreach (var run in new[] { dryRun, execute })
        {
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Equal(
                $"error: consumer group '{group}' has 1 active member(s) (state Stable); stop its consumers, then reset its offsets",
                Assert.Single(run.StderrLines));
            Assert.Empty(run.Stdout);
        }

        Assert.Equal([null], await seed.CommittedAsync(group, topic));
    }

    [Fact]
    public async Task Shift_of_a_group_that_never_committed_has_nothing_to_do()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);

        var run = await seed.KafkaCommand("groups", "reset-offsets", group, "--topic", topic, "--shift-by", "-1", "--execute");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(
            $"error: group '{group}' never committed an offset on {topic}; there is nothing to shift (use --to-earliest, --to-latest or --to-datetime)",
            Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Reset_on_a_missing_topic_fails_in_one_line()
    {
        var seed = await GroupSeed.StartAsync();
        var topic = GroupSeed.UniqueTopic();

        var run = await seed.KafkaCommand("groups", "reset-offsets", GroupSeed.UniqueGroup(), "--topic", topic, "--to-latest");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: topic '{topic}' does not exist", Assert.Single(run.StderrLines));
    }
}
