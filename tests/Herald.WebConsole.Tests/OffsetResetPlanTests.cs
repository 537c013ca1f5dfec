using Confluent.Kafka;
using Herald.Broker.Groups;
using Herald.Testing;
using Herald.WebConsole.Audit;
using Herald.WebConsole.Groups;

namespace Herald.WebConsole.Tests;

/// <summary>The console's reset plan on the real broker, without a browser: the same rules as <c>herald groups reset-offsets</c>.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class OffsetResetPlanTests(ConsoleFixture fixture)
{
    private readonly GroupSeed _seed = new(fixture);

    private OffsetReset Reset => new(fixture.Server.Broker, new AuditLog(fixture.Server.Broker));

    [Fact]
    public async Task To_a_date_and_time_is_the_first_record_at_or_after_it_or_the_log_end()
    {
        var (topic, group) = (TestBroker.UniqueName("timed"), TestBroker.UniqueName("timed"));
        var t0 = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap }).Build())
        {
            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(topic, new Message<string, string> { Value = "v", Timestamp = new Timestamp(t0.AddMinutes(i)) });
            }
        }

        _seed.Commit(group, topic, (0, 3));

        Assert.Equal(1, NewOffset(group, topic, "2026-03-01T12:00:30"));
        Assert.Equal(2, NewOffset(group, topic, "2026-03-01T13:02:00+01:00"));
        Assert.Equal(3, NewOffset(group, topic, "2026-03-01T12:10:00"));
        Assert.Equal(0, NewOffset(group, topic, "2026-03-01T11:00:00"));
    }

    [Fact]
    public async Task A_shift_clamps_to_the_log_and_leaves_partitions_never_committed_on_alone()
    {
        var (topic, group) = (TestBroker.UniqueName("shifted"), TestBroker.UniqueName("shifted"));
        await _seed.CreateTopicAsync(topic, 2);
        await _seed.ProduceAsync(topic, 0, 4);
        _seed.Commit(group, topic, (0, 3));

        var (back, _) = Reset.Plan(group, topic, new OffsetResetTarget.ShiftBy(-100));
        var (forward, _) = Reset.Plan(group, topic, new OffsetResetTarget.ShiftBy(100));

        Assert.Equal([0L, null], back!.Partitions.Select(p => p.NewOffset));
        Assert.Equal([4L, null], forward!.Partitions.Select(p => p.NewOffset));
        Assert.Equal(1, back.Moved);
        Assert.Equal([3L, null], back.Partitions.Select(p => p.CurrentOffset));
        Assert.Equal([4L, 0L], back.Partitions.Select(p => p.EndOffset));
    }

    [Fact]
    public async Task A_plan_is_refused_with_what_to_do_instead()
    {
        var (topic, other, group) = (TestBroker.UniqueName("refused"), TestBroker.UniqueName("never"), TestBroker.UniqueName("refused"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.CreateTopicAsync(other, 1);
        _seed.Commit(group, topic, (0, 0));

        Assert.Equal($"group '{group}' never committed an offset on {other}; there is nothing to shift (reset to earliest, latest or a date and time instead)", Reset.Plan(group, other, new OffsetResetTarget.ShiftBy(-1)).Refusal);
        Assert.Equal("topic 'no-such-topic' does not exist", Reset.Plan(group, "no-such-topic", new OffsetResetTarget.Earliest()).Refusal);
        Assert.Equal("consumer group 'no-such-group' does not exist", Reset.Plan("no-such-group", topic, new OffsetResetTarget.Earliest()).Refusal);
        Assert.NotNull(Reset.Plan(group, other, new OffsetResetTarget.Latest()).Plan);
    }

    [Fact]
    public async Task Apply_refuses_an_empty_or_blank_reason_and_changes_nothing()
    {
        var (topic, group) = (TestBroker.UniqueName("reasons"), TestBroker.UniqueName("reasons"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.ProduceAsync(topic, 0, 2);
        _seed.Commit(group, topic, (0, 2));

        foreach (var reason in new[] { null, "", " \t\n" })
        {
            var (plan, _, refusal) = await Reset.ApplyAsync(group, topic, new OffsetResetTarget.Earliest(), reason, "test");
            Assert.Null(plan);
            Assert.StartsWith("a reason is required", refusal, StringComparison.Ordinal);
        }

        var (_, _, tooLong) = await Reset.ApplyAsync(group, topic, new OffsetResetTarget.Earliest(), new string('x', OffsetReset.MaxReasonLength + 1), "test");
        Assert.StartsWith("the reason is longer than 1,000 characters", tooLong, StringComparison.Ordinal);
        Assert.Equal(2, await _seed.CommittedAsync(group, topic, 0));
        Assert.Empty(_seed.AuditRecords(group));
    }

    [Theory]
    [InlineData("earliest", null, null, "earliest")]
    [InlineData("latest", null, null, "latest")]
    [InlineData("datetime", "2026-12-06T01:00", null, "2026-12-06T01:00:00.000Z")]
    [InlineData("shift", null, "-3", "shift-by -3")]
    public void The_forms_modes_are_the_clis_targets(string mode, string? at, string? shift, string expected) =>
        Assert.Equal(expected, OffsetReset.ParseTarget(mode, at, shift).Target!.ToString());

    [Theory]
    [InlineData("datetime", "yesterday", null, "'yesterday' is not a date and time")]
    [InlineData("shift", null, "1.5", "'1.5' is not a whole number")]
    [InlineData("shift", null, null, "'' is not a whole number")]
    [InlineData("sideways", null, null, "choose where to move the offsets")]
    public void A_bad_form_says_what_is_wrong(string mode, string? at, string? shift, string expected)
    {
        var (target, error) = OffsetReset.ParseTarget(mode, at, shift);
        Assert.Null(target);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    private long? NewOffset(string group, string topic, string at)
    {
        var (target, _) = OffsetReset.ParseTarget("datetime", at, null);
        var (plan, refusal) = Reset.Plan(group, topic, target!);
        Assert.True(plan is not null, refusal);
        return Assert.Single(plan.Partitions).NewOffset;
    }
}
