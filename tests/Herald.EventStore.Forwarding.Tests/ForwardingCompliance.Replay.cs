using Herald.EventStore.Forwarding.Replay;
using Herald.EventStore.Projections;

namespace Herald.EventStore.Forwarding.Tests;

/// <summary>The replayer: dry runs, publishing exactly a range, projections, and that it cannot write.</summary>
public abstract partial class ForwardingCompliance
{
    /// <summary>Ten events over three streams and both types, plus a snapshot: positions 1-11.</summary>
    private async Task SeedAsync()
    {
        await AppendAsync("acct-1", 3);                                                                             // 1-3
        await Store.AppendAsync("acct-2", ExpectedVersion.Any, [BalanceProjection.Event(new Withdrawn(5)), BalanceProjection.Event(new Deposited(7))]); // 4-5
        await Store.AppendAsync("$snapshot-acct-1", ExpectedVersion.Any, [BalanceProjection.Event(new Deposited(100))]); // 6
        await AppendAsync("other-1", 2);                                                                            // 7-8
        await Store.AppendAsync("acct-1", ExpectedVersion.Any, [BalanceProjection.Event(new Withdrawn(1))]);        // 9
        await AppendAsync("acct-3", 2);                                                                             // 10-11
    }

    [Fact]
    public async Task A_topic_replay_is_a_dry_run_by_default_that_reports_and_publishes_nothing()
    {
        await SeedAsync();
        var topic = NewTopic();
        await using var replayer = NewReplayer();
        var reports = new List<ReplayProgress>();

        var summary = await replayer.ReplayToTopicAsync(
            new TopicReplayOptions(topic, Bootstrap),
            new ReplayOptions { From = 2, To = 10, StreamPrefix = "acct-", BatchSize = 3 },
            new SynchronousProgress<ReplayProgress>(reports.Add));

        Assert.False(summary.Executed);
        Assert.Equal((2L, 10L), (summary.From, summary.To));
        Assert.Equal(9, summary.EventsRead);
        Assert.Equal(6, summary.EventsReplayed); // 2, 3, 4, 5, 9, 10
        Assert.Equal((2L, 10L), (summary.FirstPosition!.Value, summary.LastPosition!.Value));
        Assert.Equal(3, summary.Streams);
        Assert.Equal(new Dictionary<string, long> { ["Deposited"] = 4, ["Withdrawn"] = 2 }, summary.EventTypes);
        Assert.Equal(10, reports[^1].Position);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.False(KafkaTopic.Exists(Bootstrap, topic));
    }

    [Fact]
    public async Task An_executed_topic_replay_publishes_exactly_the_range_with_forwarding_headers()
    {
        await SeedAsync();
        var topic = NewTopic();
        await using var replayer = NewReplayer();

        var summary = await replayer.ReplayToTopicAsync(
            new TopicReplayOptions(topic, Bootstrap) { Execute = true },
            new ReplayOptions { From = 3, To = 9, EventTypes = ["Withdrawn", "Deposited"], BatchSize = 2 });

        Assert.True(summary.Executed);
        var expected = (await AllEventsAsync()).Where(e => e.GlobalPosition is >= 3 and <= 9 && !e.StreamId.StartsWith('$')).ToList();
        Assert.Equal(expected.Count, summary.EventsReplayed);
        var records = KafkaTopic.ReadAll(Bootstrap, topic).OrderBy(r => r.Offset).ToList();
        Assert.Equal(expected.Select(e => e.GlobalPosition), records.Select(Position));
        for (var i = 0; i < expected.Count; i++)
        {
            AssertIsForwarded(expected[i], records[i]);
        }
    }

    [Fact]
    public async Task A_replay_filtered_by_event_type_publishes_only_that_type()
    {
        await SeedAsync();
        var topic = NewTopic();
        await using var replayer = NewReplayer();

        var summary = await replayer.ReplayToTopicAsync(new TopicReplayOptions(topic, Bootstrap) { Execute = true }, new ReplayOptions { EventTypes = ["Withdrawn"] });

        Assert.Equal((1L, 11L, 11L), (summary.From, summary.To, summary.EventsRead));
        Assert.Equal([4L, 9L], KafkaTopic.ReadAll(Bootstrap, topic).OrderBy(r => r.Offset).Select(Position));
    }

    [Fact]
    public async Task A_replay_into_a_projection_equals_a_rebuild()
    {
        await SeedAsync();
        var rebuilt = new BalanceProjection("balances_rebuilt", "balances-rebuilt");
        await new ProjectionRebuilder(Store, batchSize: 4).RebuildAsync(rebuilt);
        var replayed = new BalanceProjection("balances_replayed", "balances-replayed");
        await using var replayer = NewReplayer();

        var summary = await replayer.ReplayToProjectionAsync(replayed, Store, new ReplayOptions { BatchSize = 4 });

        Assert.Equal(10, summary.EventsReplayed);
        var expected = await rebuilt.ReadAsync(Store);
        var actual = await replayed.ReadAsync(Store);
        Assert.Equal(["acct-1", "acct-2", "acct-3", "other-1"], actual.Keys.Order());
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (stream, balance) in expected)
        {
            Assert.Equal((balance.Events, balance.Amount), (actual[stream].Events, actual[stream].Amount));
            Assert.Equal(balance.Positions, actual[stream].Positions);
        }

        // A replay moves no checkpoint: it is not a subscription.
        Assert.Equal(0, (await new Checkpoints(Store).GetAsync(replayed.Name)).Position);
    }

    [Fact]
    public async Task The_replayer_reads_through_a_connection_that_cannot_write()
    {
        await SeedAsync();
        await using var replayer = NewReplayer();

        await Assert.ThrowsAnyAsync<EventStoreException>(() => replayer.Source.AppendAsync("intruder", ExpectedVersion.Any, [BalanceProjection.Event(new Deposited(1))]));
        await Assert.ThrowsAnyAsync<EventStoreException>(() => replayer.Source.DeleteStreamAsync("acct-1", ExpectedVersion.Any));
        await Assert.ThrowsAnyAsync<Exception>(() => InsertEventDirectlyAsync(ReadOnlyConnectionString));

        Assert.Equal(11, await replayer.Source.GetHeadPositionAsync());
        Assert.Equal(11, (await AllEventsAsync()).Count);
        Assert.Equal(0, await Store.GetStreamVersionAsync("intruder"));
    }

    [Fact]
    public async Task The_direct_write_used_to_prove_read_only_works_on_a_writable_connection()
    {
        // Guards the test above: its write must fail because of read-only mode, not because the SQL is wrong.
        await InsertEventDirectlyAsync(WritableConnectionString);
        Assert.Single(await AllEventsAsync());
    }

    [Fact]
    public async Task A_range_that_ends_before_it_starts_is_refused()
    {
        await using var replayer = NewReplayer();
        await Assert.ThrowsAsync<ArgumentException>(() => replayer.ReplayToTopicAsync(new TopicReplayOptions(NewTopic(), Bootstrap), new ReplayOptions { From = 5, To = 4 }));
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, so the last report could arrive late).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
