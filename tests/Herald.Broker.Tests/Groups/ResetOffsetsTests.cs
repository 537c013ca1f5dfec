using Herald.Protocol;

namespace Herald.Broker.Tests.Groups;

public sealed class ResetOffsetsTests : GroupCoordinatorTestBase
{
    [Fact]
    public void An_empty_group_gets_the_new_offsets_without_leader_epoch_or_metadata()
    {
        Commit("g", "", -1, [("t1", 0, 42, "checkpoint"), ("t1", 1, 7, null)]);

        Assert.Equal(ErrorCode.None, Coordinator.ResetOffsets("g", [("t1", 0, 3), ("t1", 1, 0)]));

        var fetched = Fetch("g", ("t1", 0), ("t1", 1));
        Assert.Equal(3, fetched[("t1", 0)].CommittedOffset);
        Assert.Equal(0, fetched[("t1", 1)].CommittedOffset);
        Assert.Equal("", fetched[("t1", 0)].Metadata);
        Assert.Equal(-1, fetched[("t1", 0)].CommittedLeaderEpoch);
    }

    [Fact]
    public async Task Reset_offsets_are_durable()
    {
        Commit("g", "", -1, [("t1", 0, 42, null)]);
        Assert.Equal(ErrorCode.None, Coordinator.ResetOffsets("g", [("t1", 0, 5)]));

        await ReopenAsync();

        Assert.Equal(5, Fetch("g", ("t1", 0))[("t1", 0)].CommittedOffset);
    }

    [Fact]
    public void A_group_that_does_not_exist_yet_is_created_with_the_offsets()
    {
        Assert.Equal(ErrorCode.None, Coordinator.ResetOffsets("new", [("t2", 4, 11)]));

        Assert.Equal(11, Fetch("new", ("t2", 4))[("t2", 4)].CommittedOffset);
        Assert.Equal("Empty", Describe("new").GroupState);
    }

    [Fact]
    public async Task A_group_with_members_is_refused_and_keeps_its_offsets()
    {
        var group = await FormStableGroupAsync("g", 1);
        Assert.Equal(ErrorCode.None, SingleError(Commit("g", group.Leader, group.Generation, [("t1", 0, 42, null)])));

        Assert.Equal(ErrorCode.NonEmptyGroup, Coordinator.ResetOffsets("g", [("t1", 0, 0)]));

        Assert.Equal(42, Fetch("g", ("t1", 0))[("t1", 0)].CommittedOffset);
    }

    [Fact]
    public async Task A_group_still_rebalancing_is_refused()
    {
        var (_, join) = await StartJoinAsync("g");
        Assert.Equal("PreparingRebalance", Describe("g").GroupState);

        Assert.Equal(ErrorCode.NonEmptyGroup, Coordinator.ResetOffsets("g", [("t1", 0, 0)]));

        Assert.Empty(Fetch("g"));
        PassInitialDelay("g");
        await join.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_group_whose_members_left_can_be_reset()
    {
        var group = await FormStableGroupAsync("g", 1);
        Commit("g", group.Leader, group.Generation, [("t1", 0, 42, null)]);
        Assert.Equal(ErrorCode.None, Leave("g", group.Leader));

        Assert.Equal(ErrorCode.None, Coordinator.ResetOffsets("g", [("t1", 0, 40)]));

        Assert.Equal(40, Fetch("g", ("t1", 0))[("t1", 0)].CommittedOffset);
    }

    [Fact]
    public void An_unknown_partition_refuses_the_whole_reset()
    {
        Commit("g", "", -1, [("t1", 0, 42, null)]);

        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Coordinator.ResetOffsets("g", [("t1", 0, 1), ("t1", 99, 1)]));
        Assert.Equal(ErrorCode.UnknownTopicOrPartition, Coordinator.ResetOffsets("other-group", [("other", 0, 1)]));

        Assert.Equal(42, Fetch("g", ("t1", 0))[("t1", 0)].CommittedOffset);
        Assert.DoesNotContain("other-group", Coordinator.GroupIds());
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Equal(ErrorCode.InvalidGroupId, Coordinator.ResetOffsets("", [("t1", 0, 1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Coordinator.ResetOffsets("g", [("t1", 0, -1)]));
        Assert.Equal(ErrorCode.None, Coordinator.ResetOffsets("g", []));
        Assert.DoesNotContain("g", Coordinator.GroupIds());
    }
}
