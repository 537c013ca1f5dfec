using System.Text;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

public sealed class RebalanceEdgeTests : GroupCoordinatorTestBase
{
    [Fact]
    public async Task A_join_during_completing_rebalance_fails_parked_syncs_with_rebalance_in_progress()
    {
        var joins = new[] { (await StartJoinAsync("g", "a")).Join, (await StartJoinAsync("g", "b")).Join };
        PassInitialDelay("g");
        var responses = await Task.WhenAll(joins).WaitAsync(Patience);
        var follower = responses.Single(r => r.MemberId != r.Leader);
        var parkedSync = SyncAsync("g", follower.MemberId, follower.GenerationId);

        var late = await StartJoinAsync("g", "late");

        var failed = await parkedSync.WaitAsync(Patience);
        Assert.Equal(ErrorCode.RebalanceInProgress, (ErrorCode)failed.ErrorCode);
        Assert.Empty(failed.Assignment);
        Assert.Equal("PreparingRebalance", Describe("g").GroupState);
        var rejoins = responses.Select(r => JoinAsync(JoinRequest("g", r.MemberId))).Append(late.Join);
        Assert.All(await Task.WhenAll(rejoins).WaitAsync(Patience), r => Assert.Equal(2, r.GenerationId));
    }

    [Fact]
    public async Task Static_members_leave_by_instance_id_and_stale_ids_are_fenced()
    {
        var join = JoinAsync(JoinRequest("g", instanceId: "i1"));
        PassInitialDelay("g");
        var joined = await join.WaitAsync(Patience);
        var request = new LeaveGroupRequest
        {
            GroupId = "g",
            Members = [new() { MemberId = "i1-stale", GroupInstanceId = "i1" }, new() { MemberId = "", GroupInstanceId = "i1" }],
        };

        var response = Wire.RoundTrip(Coordinator.LeaveGroup(Wire.RoundTrip(request, 4), 4), 4);

        Assert.Equal([ErrorCode.FencedInstanceId, ErrorCode.None], response.Members.Select(m => (ErrorCode)m.ErrorCode));
        Assert.Equal("Empty", Describe("g").GroupState);
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat("g", joined.MemberId, joined.GenerationId));
    }

    [Fact]
    public async Task Dispose_answers_parked_joins_and_flushed_commits_survive()
    {
        await using var coordinator = new Herald.Broker.Groups.GroupCoordinator(
            Path.Combine(DataDirectory, "flushed"), Options with { FlushOffsets = true }, PartitionExists, Time);
        var first = await coordinator.JoinGroupAsync(JoinRequest("g"), 5, "c", "h");
        var parked = coordinator.JoinGroupAsync(JoinRequest("g", first.MemberId), 5, "c", "h");
        var commit = new OffsetCommitRequest { GroupId = "offsets-only", Topics = [new() { Name = "t1", Partitions = [new() { PartitionIndex = 0, CommittedOffset = 9 }] }] };
        Assert.Equal(0, coordinator.CommitOffsets(commit, 9).Topics[0].Partitions[0].ErrorCode);

        await coordinator.DisposeAsync();

        Assert.Equal(ErrorCode.CoordinatorNotAvailable, (ErrorCode)(await parked.WaitAsync(Patience)).ErrorCode);
        await using var reopened = new Herald.Broker.Groups.GroupCoordinator(Path.Combine(DataDirectory, "flushed"), Options, PartitionExists, Time);
        Assert.Equal(9, reopened.GetCommittedOffsets("offsets-only")[("t1", 0)].Offset);
    }
}
