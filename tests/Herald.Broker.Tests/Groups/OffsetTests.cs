using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

public sealed class OffsetTests : GroupCoordinatorTestBase
{
    [Fact]
    public void A_simple_commit_round_trips_offset_leader_epoch_and_metadata()
    {
        var response = Commit("g", "", -1, [("t1", 0, 42, "checkpoint {\"a\":1}"), ("t1", 1, 7, null), ("t2", 3, 1000, "")]);

        Assert.Equal(ErrorCode.None, SingleError(response));
        var fetched = Fetch("g", ("t1", 0), ("t1", 1), ("t2", 3), ("t2", 4));
        Assert.Equal(42, fetched[("t1", 0)].CommittedOffset);
        Assert.Equal(0, fetched[("t1", 0)].CommittedLeaderEpoch);
        Assert.Equal("checkpoint {\"a\":1}", fetched[("t1", 0)].Metadata);
        Assert.Equal("", fetched[("t1", 1)].Metadata);
        Assert.Equal(1000, fetched[("t2", 3)].CommittedOffset);
        Assert.Equal(-1, fetched[("t2", 4)].CommittedOffset);
        Assert.Equal(-1, fetched[("t2", 4)].CommittedLeaderEpoch);
        Assert.Equal(ErrorCode.None, (ErrorCode)fetched[("t2", 4)].ErrorCode);
    }

    [Fact]
    public void Unknown_partitions_are_refused_one_by_one()
    {
        var response = Commit("g", "", -1, [("t1", 0, 1, null), ("t1", 99, 1, null), ("other", 0, 1, null)]);

        var errors = response.Topics.SelectMany(t => t.Partitions.Select(p => ((t.Name, p.PartitionIndex), (ErrorCode)p.ErrorCode))).ToDictionary();
        Assert.Equal(ErrorCode.None, errors[("t1", 0)]);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, errors[("t1", 99)]);
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, errors[("other", 0)]);
        Assert.Equal([("t1", 0)], Fetch("g").Keys);
    }

    [Fact]
    public void Fetch_without_topics_returns_every_committed_partition()
    {
        Commit("g", "", -1, [("t1", 0, 5, null), ("t3", 2, 6, "m")]);

        var all = Fetch("g");

        Assert.Equal([("t1", 0), ("t3", 2)], all.Keys.Order());
        Assert.Empty(Fetch("unknown"));
    }

    [Fact]
    public void Fetch_v8_batches_groups_and_v7_answers_one_group_with_a_top_level_error()
    {
        Commit("g1", "", -1, [("t1", 0, 10, "one")]);
        Commit("g2", "", -1, [("t1", 0, 20, "two")]);
        var batched = new OffsetFetchRequest
        {
            Groups =
            [
                new() { GroupId = "g1", Topics = [new() { Name = "t1", PartitionIndexes = [0] }] },
                new() { GroupId = "g2", Topics = null },
                new() { GroupId = "nobody", Topics = [new() { Name = "t1", PartitionIndexes = [0] }] },
            ],
        };

        var response = Wire.RoundTrip(Coordinator.FetchOffsets(Wire.RoundTrip(batched, 8), 8), 8);

        Assert.Equal(["g1", "g2", "nobody"], response.Groups.Select(g => g.GroupId));
        Assert.Equal(10, response.Groups[0].Topics[0].Partitions[0].CommittedOffset);
        Assert.Equal("two", response.Groups[1].Topics[0].Partitions[0].Metadata);
        Assert.Equal(-1, response.Groups[2].Topics[0].Partitions[0].CommittedOffset);

        var single = new OffsetFetchRequest { GroupId = "g1", Topics = [new() { Name = "t1", PartitionIndexes = [0, 1] }] };
        var v7 = Wire.RoundTrip(Coordinator.FetchOffsets(Wire.RoundTrip(single, 7), 7), 7);
        Assert.Equal(ErrorCode.None, (ErrorCode)v7.ErrorCode);
        Assert.Equal([10L, -1L], v7.Topics[0].Partitions.Select(p => p.CommittedOffset));
        Assert.Equal("one", v7.Topics[0].Partitions[0].Metadata);

        var v1 = Wire.RoundTrip(Coordinator.FetchOffsets(Wire.RoundTrip(single, 1), 1), 1);
        Assert.Equal(10, v1.Topics[0].Partitions[0].CommittedOffset);
    }

    [Fact]
    public async Task Member_commits_are_validated_against_membership_and_generation()
    {
        var group = await FormStableGroupAsync("g", 2);

        Assert.Equal(ErrorCode.None, SingleError(Commit("g", group.Leader, group.Generation, [("t1", 0, 11, "m")])));
        Assert.Equal(ErrorCode.IllegalGeneration, SingleError(Commit("g", group.Leader, group.Generation - 1, [("t1", 0, 12, null)])));
        Assert.Equal(ErrorCode.UnknownMemberId, SingleError(Commit("g", "ghost", group.Generation, [("t1", 0, 13, null)])));
        Assert.Equal(ErrorCode.UnknownMemberId, SingleError(Commit("g", "", -1, [("t1", 0, 14, null)])));
        Assert.Equal(ErrorCode.IllegalGeneration, SingleError(Commit("nogroup", "m", 3, [("t1", 0, 15, null)])));
        Assert.Equal(11, Fetch("g", ("t1", 0))[("t1", 0)].CommittedOffset);

        // PreparingRebalance: a commit of the current generation is still accepted.
        var newcomer = await StartJoinAsync("g", "late");
        Assert.Equal(ErrorCode.None, SingleError(Commit("g", group.Leader, group.Generation, [("t1", 0, 16, null)])));

        // CompletingRebalance: REBALANCE_IN_PROGRESS.
        var rejoins = group.Members.Select(m => JoinAsync(JoinRequest("g", m))).Append(newcomer.Join);
        var responses = await Task.WhenAll(rejoins).WaitAsync(Patience);
        Assert.Equal(ErrorCode.RebalanceInProgress, SingleError(Commit("g", group.Leader, responses[0].GenerationId, [("t1", 0, 17, null)])));
        Assert.Equal(16, Fetch("g", ("t1", 0))[("t1", 0)].CommittedOffset);
    }

    [Fact]
    public void Oversized_metadata_is_refused()
    {
        var response = Commit("g", "", -1, [("t1", 0, 1, new string('x', 5000))]);

        Assert.Equal((ErrorCode)12, SingleError(response));
    }

    [Fact]
    public async Task Committed_offsets_survive_reopening_the_coordinator()
    {
        Commit("g", "", -1, [("t1", 0, 42, "meta"), ("t1", 1, 43, null)]);
        Commit("g", "", -1, [("t1", 0, 44, "meta2")]);
        Commit("h", "", -1, [("t2", 5, 1, null)]);

        await ReopenAsync();

        var fetched = Fetch("g");
        Assert.Equal(44, fetched[("t1", 0)].CommittedOffset);
        Assert.Equal("meta2", fetched[("t1", 0)].Metadata);
        Assert.Equal(0, fetched[("t1", 0)].CommittedLeaderEpoch);
        Assert.Equal(43, fetched[("t1", 1)].CommittedOffset);
        Assert.Equal(1, Fetch("h")[("t2", 5)].CommittedOffset);
        Assert.Equal("Empty", Describe("g").GroupState);
        var summary = Coordinator.GetGroup("g");
        Assert.NotNull(summary);
        Assert.Equal(44, summary.Offsets[("t1", 0)]);
    }

    [Fact]
    public async Task A_torn_tail_of_the_offsets_log_is_cut_off()
    {
        Commit("g", "", -1, [("t1", 0, 1, "first")]);
        Commit("g", "", -1, [("t1", 1, 2, "second")]);
        await Coordinator.DisposeAsync();
        var path = Path.Combine(DataDirectory, "__consumer_offsets.log");
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 5);
        }

        await ReopenAsync();

        var fetched = Fetch("g");
        Assert.Equal(1, fetched[("t1", 0)].CommittedOffset);
        Assert.False(fetched.ContainsKey(("t1", 1)));

        // New records land after the valid prefix, not after the garbage.
        Commit("g", "", -1, [("t1", 2, 3, "third")]);
        await ReopenAsync();
        fetched = Fetch("g");
        Assert.Equal(3, fetched[("t1", 2)].CommittedOffset);
        Assert.Equal(1, fetched[("t1", 0)].CommittedOffset);
    }

    [Fact]
    public async Task A_corrupt_record_ends_replay_there()
    {
        Commit("g", "", -1, [("t1", 0, 1, "first")]);
        var path = Path.Combine(DataDirectory, "__consumer_offsets.log");
        long validLength = new FileInfo(path).Length;
        Commit("g", "", -1, [("t1", 0, 2, "second")]);
        await Coordinator.DisposeAsync();
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        await ReopenAsync();

        Assert.Equal(1, Fetch("g")[("t1", 0)].CommittedOffset);
        Assert.Equal(validLength, new FileInfo(path).Length);
    }

    [Fact]
    public async Task The_offsets_log_is_compacted_on_start_when_mostly_dead()
    {
        for (int i = 0; i < 3000; i++)
        {
            Commit("g", "", -1, [("t1", 0, i, "some metadata")]);
        }
        var path = Path.Combine(DataDirectory, "__consumer_offsets.log");
        long before = new FileInfo(path).Length;

        await ReopenAsync();

        long after = new FileInfo(path).Length;
        Assert.True(after * 100 < before, $"{after} bytes after compaction, {before} before");
        Assert.Equal(2999, Fetch("g")[("t1", 0)].CommittedOffset);
        Commit("g", "", -1, [("t1", 0, 5000, null)]);
        await ReopenAsync();
        Assert.Equal(5000, Fetch("g")[("t1", 0)].CommittedOffset);
    }

    [Fact]
    public async Task Deleting_offsets_spares_subscribed_topics()
    {
        await FormStableGroupAsync("g", 1, _ => Subscription("t1"));
        var group = Coordinator.GetGroup("g")!;
        var member = Describe("g").Members[0].MemberId;
        Assert.Equal(ErrorCode.None, SingleError(Commit("g", member, group.GenerationId, [("t1", 0, 1, null), ("t2", 0, 2, null)])));
        var request = new OffsetDeleteRequest
        {
            GroupId = "g",
            Topics =
            [
                new() { Name = "t1", Partitions = [new() { PartitionIndex = 0 }] },
                new() { Name = "t2", Partitions = [new() { PartitionIndex = 0 }] },
                new() { Name = "gone", Partitions = [new() { PartitionIndex = 0 }] },
            ],
        };

        var response = Wire.RoundTrip(Coordinator.DeleteOffsets(Wire.RoundTrip(request, 0), 0), 0);

        Assert.Equal(ErrorCode.None, (ErrorCode)response.ErrorCode);
        Assert.Equal([ErrorCode.GroupSubscribedToTopic, ErrorCode.None, ErrorCode.UnknownTopicOrPartition], response.Topics.Select(t => (ErrorCode)t.Partitions[0].ErrorCode));
        Assert.Equal([("t1", 0)], Fetch("g").Keys);
        var unknown = Coordinator.DeleteOffsets(new OffsetDeleteRequest { GroupId = "nobody" }, 0);
        Assert.Equal(ErrorCode.GroupIdNotFound, (ErrorCode)unknown.ErrorCode);
    }

    [Fact]
    public async Task Removing_a_topic_drops_its_offsets_in_every_group_durably()
    {
        Commit("g1", "", -1, [("t1", 0, 1, null), ("t2", 0, 2, null)]);
        Commit("g2", "", -1, [("t1", 3, 3, null)]);

        DeleteTopic("t1");

        Assert.Equal([("t2", 0)], Fetch("g1").Keys);
        Assert.Empty(Fetch("g2"));
        await ReopenAsync();
        Assert.Equal([("t2", 0)], Fetch("g1").Keys);
        Assert.Empty(Fetch("g2"));
    }
}
