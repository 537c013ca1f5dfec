using System.Text.Json;
using Confluent.Kafka;

namespace Herald.Cli.Tests.Groups;

[Trait("Category", "EndToEnd")]
public sealed class GroupsCommandTests
{
    [Fact]
    public async Task List_shows_a_stopped_group_with_its_lag_in_messages_and_seconds()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);
        await seed.ProduceAsync(topic, 10);
        seed.Commit(group, new TopicPartitionOffset(topic, 0, 4));

        var json = await seed.HttpCommand("groups", "list", "--json");
        var text = await seed.HttpCommand("groups", "list");

        Assert.True(json.ExitCode == 0, json.ToString());
        using (var groups = JsonDocument.Parse(json.Stdout))
        {
            var entry = Assert.Single(groups.RootElement.EnumerateArray(), g => g.GetProperty("group").GetString() == group);
            Assert.Equal("Empty", entry.GetProperty("state").GetString());
            Assert.Equal(0, entry.GetProperty("members").GetInt32());
            Assert.Equal(6, entry.GetProperty("totalLagMessages").GetInt64());
            Assert.Equal(6, entry.GetProperty("maxLagMessages").GetInt64());
            Assert.InRange(entry.GetProperty("maxLagSeconds").GetDouble(), double.Epsilon, 600);
            Assert.Equal(1, entry.GetProperty("partitions").GetInt32());
        }

        Assert.True(text.ExitCode == 0, text.ToString());
        var row = Assert.Single(text.StdoutLines, l => l.Contains(group, StringComparison.Ordinal));
        Assert.Equal([group, "Empty", "0", "6"], Cells(row)[..4]);
        Assert.Contains("consumer group(s)", text.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Describe_shows_committed_end_lag_and_lag_seconds_per_partition()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic, partitions: 2);
        await seed.ProduceAsync(topic, 10, partition: 0);
        await seed.ProduceAsync(topic, 3, partition: 1);
        seed.Commit(group, new TopicPartitionOffset(topic, 0, 4), new TopicPartitionOffset(topic, 1, 3));

        var json = await seed.HttpCommand("groups", "describe", group, "--json");
        var text = await seed.HttpCommand("groups", "describe", group);

        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            var root = document.RootElement;
            Assert.Equal(group, root.GetProperty("group").GetString());
            Assert.Equal("Empty", root.GetProperty("state").GetString());
            Assert.Empty(root.GetProperty("members").EnumerateArray());
            Assert.Equal(6, root.GetProperty("totalLagMessages").GetInt64());
            var partitions = root.GetProperty("partitions").EnumerateArray().ToList();
            Assert.Equal(2, partitions.Count);
            Assert.Equal(topic, partitions[0].GetProperty("topic").GetString());
            Assert.Equal([4L, 3L], partitions.Select(p => p.GetProperty("committedOffset").GetInt64()));
            Assert.Equal([10L, 3L], partitions.Select(p => p.GetProperty("endOffset").GetInt64()));
            Assert.Equal([6L, 0L], partitions.Select(p => p.GetProperty("lagMessages").GetInt64()));
            Assert.InRange(partitions[0].GetProperty("lagSeconds").GetDouble(), double.Epsilon, 600);
            Assert.Equal(0, partitions[1].GetProperty("lagSeconds").GetDouble());
            Assert.All(partitions, p => Assert.Equal(JsonValueKind.Null, p.GetProperty("memberId").ValueKind));
        }

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Members: (none)", text.Stdout, StringComparison.Ordinal);
        var rows = text.StdoutLines.Where(l => l.Contains(topic, StringComparison.Ordinal)).Select(Cells).ToList();
        Assert.Equal([topic, "0", "4", "10", "6"], rows[0][..5]);
        Assert.Equal([topic, "1", "3", "3", "0", "0.0", "-", "-"], rows[1]);
    }

    [Fact]
    public async Task Describe_shows_members_their_assignment_and_which_member_reads_each_partition()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);
        await seed.ProduceAsync(topic, 2);
        using var member = seed.Join(group, topic, "billing-worker-1");

        var json = await seed.HttpCommand("groups", "describe", group, "--json");
        var text = await seed.HttpCommand("groups", "describe", group);

        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            var root = document.RootElement;
            Assert.Equal("Stable", root.GetProperty("state").GetString());
            var only = Assert.Single(root.GetProperty("members").EnumerateArray());
            Assert.Equal("billing-worker-1", only.GetProperty("clientId").GetString());
            Assert.False(string.IsNullOrEmpty(only.GetProperty("clientHost").GetString()));
            var assigned = Assert.Single(only.GetProperty("assignment").EnumerateArray());
            Assert.Equal(topic, assigned.GetProperty("topic").GetString());
            Assert.Equal(0, assigned.GetProperty("partition").GetInt32());
            var partition = Assert.Single(root.GetProperty("partitions").EnumerateArray());
            Assert.Equal("billing-worker-1", partition.GetProperty("clientId").GetString());
            Assert.Equal(only.GetProperty("memberId").GetString(), partition.GetProperty("memberId").GetString());
        }

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains(text.StdoutLines, l => l.Contains("billing-worker-1", StringComparison.Ordinal) && l.Contains($"{topic}:0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Describe_of_an_unknown_group_fails_in_one_line()
    {
        var seed = await GroupSeed.StartAsync();
        var group = GroupSeed.UniqueGroup();

        var run = await seed.HttpCommand("groups", "describe", group);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: consumer group '{group}' does not exist", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Delete_removes_an_idle_group_and_its_offsets_and_then_it_does_not_exist()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);
        await seed.ProduceAsync(topic, 3);
        seed.Commit(group, new TopicPartitionOffset(topic, 0, 1));

        var run = await seed.KafkaCommand("groups", "delete", group, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"deleted consumer group '{group}' and its committed offsets", Assert.Single(run.StderrLines));
        using (var document = JsonDocument.Parse(run.Stdout))
        {
            Assert.True(document.RootElement.GetProperty("deleted").GetBoolean());
        }

        Assert.Equal([null], await seed.CommittedAsync(group, topic));
        var describe = await seed.HttpCommand("groups", "describe", group);
        Assert.Equal($"error: consumer group '{group}' does not exist", Assert.Single(describe.StderrLines));

        var again = await seed.KafkaCommand("groups", "delete", group);

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Equal($"error: consumer group '{group}' does not exist (GROUP_ID_NOT_FOUND (69))", Assert.Single(again.StderrLines));
    }

    [Fact]
    public async Task Delete_of_a_group_with_members_is_refused()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);
        using var member = seed.Join(group, topic, "still-running");

        var run = await seed.KafkaCommand("groups", "delete", group);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(
            $"error: consumer group '{group}' still has members (NON_EMPTY_GROUP (68)); stop its consumers, then delete it",
            Assert.Single(run.StderrLines));
        var describe = await seed.HttpCommand("groups", "describe", group, "--json");
        Assert.True(describe.ExitCode == 0, describe.ToString());
    }

    /// <summary>The cells of a plain table row (Spectre's ASCII-less borders are box characters).</summary>
    internal static string[] Cells(string row) =>
        row.Split(['│', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray();
}
