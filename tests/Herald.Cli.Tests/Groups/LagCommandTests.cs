using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace Herald.Cli.Tests.Groups;

[Trait("Category", "EndToEnd")]
public sealed class LagCommandTests
{
    /// <summary>A stopped group 6 behind on <c>topic</c> (10 produced, 4 committed) and 2 behind on <c>other</c> (5 produced, 3 committed).</summary>
    private static async Task<(GroupSeed Seed, string Topic, string Other, string Group)> StoppedGroupAsync()
    {
        var seed = await GroupSeed.StartAsync();
        var (topic, other, group) = (GroupSeed.UniqueTopic(), GroupSeed.UniqueTopic(), GroupSeed.UniqueGroup());
        await seed.CreateTopicAsync(topic);
        await seed.CreateTopicAsync(other);
        await seed.ProduceAsync(topic, 10);
        await seed.ProduceAsync(other, 5);
        seed.Commit(group, new TopicPartitionOffset(topic, 0, 4), new TopicPartitionOffset(other, 0, 3));
        return (seed, topic, other, group);
    }

    private static string Exactly(string name) => $"^{Regex.Escape(name)}$";

    [Fact]
    public async Task Lag_reports_each_group_total_lag_and_worst_lag_seconds()
    {
        var (seed, _, _, group) = await StoppedGroupAsync();

        var json = await seed.HttpCommand("lag", "--group", Exactly(group), "--json");
        var text = await seed.HttpCommand("lag", "--group", Exactly(group));

        Assert.True(json.ExitCode == 0, json.ToString());
        using (var document = JsonDocument.Parse(json.Stdout))
        {
            Assert.InRange(document.RootElement.GetProperty("generatedAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
            var entry = Assert.Single(document.RootElement.GetProperty("groups").EnumerateArray());
            Assert.Equal(group, entry.GetProperty("group").GetString());
            Assert.Equal(8, entry.GetProperty("totalLagMessages").GetInt64());
            Assert.Equal(6, entry.GetProperty("maxLagMessages").GetInt64());
            Assert.InRange(entry.GetProperty("maxLagSeconds").GetDouble(), double.Epsilon, 600);
            Assert.Equal(2, entry.GetProperty("partitions").GetInt32());
        }

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("consumer lag at", text.Stdout, StringComparison.Ordinal);
        Assert.Equal([group, "Empty", "0", "8"], GroupsCommandTests.Cells(Assert.Single(text.StdoutLines, l => l.Contains(group, StringComparison.Ordinal)))[..4]);
    }

    [Fact]
    public async Task Topic_filter_recomputes_the_group_totals_over_matching_partitions()
    {
        var (seed, _, other, group) = await StoppedGroupAsync();

        var one = await seed.HttpCommand("lag", "--group", Exactly(group), "--topic", Exactly(other), "--json");
        var none = await seed.HttpCommand("lag", "--group", Exactly(group), "--topic", "^no-such-topic$", "--json");

        Assert.True(one.ExitCode == 0, one.ToString());
        using (var document = JsonDocument.Parse(one.Stdout))
        {
            var entry = Assert.Single(document.RootElement.GetProperty("groups").EnumerateArray());
            Assert.Equal(2, entry.GetProperty("totalLagMessages").GetInt64());
            Assert.Equal(2, entry.GetProperty("maxLagMessages").GetInt64());
            Assert.Equal(1, entry.GetProperty("partitions").GetInt32());
        }

        Assert.True(none.ExitCode == 0, none.ToString());
        using (var document = JsonDocument.Parse(none.Stdout))
        {
            Assert.Empty(document.RootElement.GetProperty("groups").EnumerateArray());
        }
    }

    [Fact]
    public async Task Max_lag_exits_two_naming_the_group_over_the_limit()
    {
        var (seed, topic, _, group) = await StoppedGroupAsync();

        var over = await seed.HttpCommand("lag", "--group", Exactly(group), "--max-lag", "7");
        var within = await seed.HttpCommand("lag", "--group", Exactly(group), "--max-lag", "8");
        var overOnOneTopic = await seed.HttpCommand("lag", "--group", Exactly(group), "--topic", Exactly(topic), "--max-lag", "5", "--json");

        Assert.True(over.ExitCode == 2, over.ToString());
        Assert.Equal($"error: over the lag limits: group '{group}' lag 8 > --max-lag 7", Assert.Single(over.StderrLines));
        Assert.Contains(group, over.Stdout, StringComparison.Ordinal);
        Assert.True(within.ExitCode == 0, within.ToString());
        Assert.Empty(within.Stderr);
        Assert.True(overOnOneTopic.ExitCode == 2, overOnOneTopic.ToString());
        Assert.Equal($"error: over the lag limits: group '{group}' lag 6 > --max-lag 5", Assert.Single(overOnOneTopic.StderrLines));
        using var document = JsonDocument.Parse(overOnOneTopic.Stdout);
        Assert.Equal(6, Assert.Single(document.RootElement.GetProperty("groups").EnumerateArray()).GetProperty("totalLagMessages").GetInt64());
    }

    [Fact]
    public async Task Max_lag_seconds_exits_two_when_the_oldest_unconsumed_record_waited_longer()
    {
        var (seed, _, _, group) = await StoppedGroupAsync();

        var over = await seed.HttpCommand("lag", "--group", Exactly(group), "--max-lag-seconds", "0");
        var within = await seed.HttpCommand("lag", "--group", Exactly(group), "--max-lag-seconds", "3600", "--max-lag", "100");

        Assert.True(over.ExitCode == 2, over.ToString());
        Assert.Matches($"^error: over the lag limits: group '{Regex.Escape(group)}' lag seconds [0-9.]+ > --max-lag-seconds 0$", Assert.Single(over.StderrLines));
        Assert.True(within.ExitCode == 0, within.ToString());
    }

    [Fact]
    public async Task Watch_with_json_prints_one_document_per_line_per_round()
    {
        var (seed, _, _, group) = await StoppedGroupAsync();

        var run = await seed.HttpCommand("lag", "--group", Exactly(group), "--watch", "--interval", "0.05", "--rounds", "3", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(3, run.StdoutLines.Length);
        Assert.All(run.StdoutLines, line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(8, Assert.Single(document.RootElement.GetProperty("groups").EnumerateArray()).GetProperty("totalLagMessages").GetInt64());
        });
    }

    [Fact]
    public async Task Watch_over_the_limit_warns_each_round_and_exits_two()
    {
        var (seed, _, _, group) = await StoppedGroupAsync();

        var run = await seed.HttpCommand("lag", "--group", Exactly(group), "--watch", "--interval", "0.05", "--rounds", "2", "--max-lag", "1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(2, run.StdoutLines.Count(l => l.Contains("consumer lag at", StringComparison.Ordinal)));
        Assert.Equal(
            [.. Enumerable.Repeat($"over the lag limits: group '{group}' lag 8 > --max-lag 1", 2), $"error: over the lag limits: group '{group}' lag 8 > --max-lag 1"],
            run.StderrLines);
    }

    [Fact]
    public async Task Watch_ends_cleanly_on_ctrl_c()
    {
        var (seed, _, _, group) = await StoppedGroupAsync();
        using var interrupt = new CancellationTokenSource();
        var stdout = new CancelOnFirstLine(interrupt);
        var stderr = new StringWriter();

        // An hour between rounds: only the interrupt after the first round can end this run.
        var exitCode = await HeraldCli.RunAsync(
            ["lag", "--group", Exactly(group), "--watch", "--interval", "3600", "--json", "--http", seed.Http],
            new CliConsole(TextReader.Null, stdout, stderr),
            interrupt.Token);

        Assert.True(exitCode == 0, stderr.ToString());
        Assert.Single(stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(stderr.ToString());
    }

    /// <summary>Stands in for a person pressing Ctrl-C once the first round is on the screen.</summary>
    private sealed class CancelOnFirstLine(CancellationTokenSource interrupt) : StringWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public override Task WriteLineAsync(string? value)
        {
            var written = base.WriteLineAsync(value);
            interrupt.Cancel();
            return written;
        }
    }
}
