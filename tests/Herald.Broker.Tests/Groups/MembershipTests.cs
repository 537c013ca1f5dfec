using System.Text;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

public sealed class MembershipTests : GroupCoordinatorTestBase
{
    [Fact]
    public async Task Leaving_triggers_a_rebalance_and_the_last_leave_empties_the_group()
    {
        var group = await FormStableGroupAsync("g", 2);
        var follower = group.Members.Single(m => m != group.Leader);

        Assert.Equal(ErrorCode.None, Leave("g", follower));

        Assert.Equal("PreparingRebalance", Describe("g").GroupState);
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat("g", group.Leader, group.Generation));
        var rejoined = await JoinAsync(JoinRequest("g", group.Leader)).WaitAsync(Patience);
        Assert.Equal(group.Generation + 1, rejoined.GenerationId);
        Assert.Equal(group.Leader, Assert.Single(rejoined.Members).MemberId);
        await SyncAsync("g", group.Leader, rejoined.GenerationId, new() { [group.Leader] = [7] });

        Assert.Equal(ErrorCode.None, Leave("g", group.Leader));

        var described = Describe("g");
        Assert.Equal("Empty", described.GroupState);
        Assert.Empty(described.Members);
        Assert.Equal(ErrorCode.UnknownMemberId, Leave("g", group.Leader));
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat("g", group.Leader, rejoined.GenerationId));
    }

    [Fact]
    public async Task Leave_v3_batches_members_with_an_error_each()
    {
        var group = await FormStableGroupAsync("g", 3);
        var request = new LeaveGroupRequest
        {
            GroupId = "g",
            Members = [new() { MemberId = group.Members[0] }, new() { MemberId = "ghost" }, new() { MemberId = group.Members[1], Reason = "shutdown" }],
        };

        var response = Wire.RoundTrip(Coordinator.LeaveGroup(Wire.RoundTrip(request, 5), 5), 5);

        Assert.Equal(ErrorCode.None, (ErrorCode)response.ErrorCode);
        Assert.Equal([ErrorCode.None, ErrorCode.UnknownMemberId, ErrorCode.None], response.Members.Select(m => (ErrorCode)m.ErrorCode));
        Assert.Equal(group.Members[2], Assert.Single(Describe("g").Members).MemberId);
    }

    [Fact]
    public async Task An_expired_session_removes_the_member_and_rebalances()
    {
        var group = await FormStableGroupAsync("g", 2);
        var survivor = group.Leader;
        var silent = group.Members.Single(m => m != survivor);

        Time.AdvanceMs(SessionTimeoutMs - 1000);
        Assert.Equal(ErrorCode.None, Heartbeat("g", survivor, group.Generation));
        Assert.Equal(2, Describe("g").Members.Count);
        Time.AdvanceMs(2000);

        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat("g", silent, group.Generation));
        Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat("g", survivor, group.Generation));
        var rejoined = await JoinAsync(JoinRequest("g", survivor)).WaitAsync(Patience);
        Assert.Equal(survivor, Assert.Single(rejoined.Members).MemberId);
    }

    [Fact]
    public async Task A_member_parked_in_join_never_expires_and_laggards_go_at_the_rebalance_timeout()
    {
        var group = await FormStableGroupAsync("g", 2);
        var laggard = group.Members.Single(m => m != group.Leader);

        // The leader rejoins (as after a subscription change) and waits; the laggard heartbeats but never rejoins.
        var parked = JoinAsync(JoinRequest("g", group.Leader, metadata: Subscription("t1", "t2")));
        for (int elapsed = 0; elapsed < RebalanceTimeoutMs - 5000; elapsed += 5000)
        {
            Time.AdvanceMs(5000);
            Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat("g", laggard, group.Generation));
        }
        Assert.False(parked.IsCompleted);
        Time.AdvanceMs(5000);

        var response = await parked.WaitAsync(Patience);
        Assert.Equal(ErrorCode.None, (ErrorCode)response.ErrorCode);
        Assert.Equal(group.Generation + 1, response.GenerationId);
        Assert.Equal(group.Leader, Assert.Single(response.Members).MemberId);
        Assert.Equal(ErrorCode.UnknownMemberId, Heartbeat("g", laggard, group.Generation));
    }

    [Fact]
    public async Task A_member_parked_in_sync_is_not_expired_while_the_leader_is_alive()
    {
        var joins = new[] { (await StartJoinAsync("g", "a")).Join, (await StartJoinAsync("g", "b")).Join };
        PassInitialDelay("g");
        var responses = await Task.WhenAll(joins).WaitAsync(Patience);
        var leader = responses.Single(r => r.MemberId == r.Leader);
        var follower = responses.Single(r => r != leader);
        var followerSync = SyncAsync("g", follower.MemberId, follower.GenerationId);

        for (int i = 0; i < 3; i++)
        {
            Time.AdvanceMs(SessionTimeoutMs / 2);
            Assert.Equal(ErrorCode.None, Heartbeat("g", leader.MemberId, leader.GenerationId));
        }
        await SyncAsync("g", leader.MemberId, leader.GenerationId, new() { [follower.MemberId] = [9] });

        Assert.Equal([9], (await followerSync.WaitAsync(Patience)).Assignment);
    }

    [Fact]
    public async Task A_pending_member_that_never_rejoins_expires()
    {
        var group = await FormStableGroupAsync("g", 1);
        var pending = await JoinAsync(JoinRequest("g"));
        Assert.Equal(ErrorCode.MemberIdRequired, (ErrorCode)pending.ErrorCode);
        Assert.Equal("Stable", Describe("g").GroupState);

        Time.AdvanceMs(SessionTimeoutMs / 2);
        Assert.Equal(ErrorCode.None, Heartbeat("g", group.Leader, group.Generation));
        Time.AdvanceMs(SessionTimeoutMs / 2 + 1);

        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)(await JoinAsync(JoinRequest("g", "not-" + pending.MemberId))).ErrorCode);
        var late = await JoinAsync(JoinRequest("g", pending.MemberId));
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)late.ErrorCode);
    }

    [Fact]
    public async Task A_static_member_rejoining_keeps_the_generation_and_its_assignment()
    {
        var joinA = JoinAsync(JoinRequest("g", instanceId: "instance-a"));
        var joinB = JoinAsync(JoinRequest("g", instanceId: "instance-b"));
        PassInitialDelay("g");
        var a = await joinA.WaitAsync(Patience);
        var b = await joinB.WaitAsync(Patience);
        Assert.StartsWith("instance-a-", a.MemberId);
        var leader = a.MemberId == a.Leader ? a : b;
        Assert.Equal(["instance-a", "instance-b"], leader.Members.Select(m => m.GroupInstanceId).Order(StringComparer.Ordinal));
        var assignments = new Dictionary<string, byte[]> { [a.MemberId] = Encoding.UTF8.GetBytes("A"), [b.MemberId] = Encoding.UTF8.GetBytes("B") };
        var syncs = new[] { SyncAsync("g", a.MemberId, a.GenerationId, a == leader ? assignments : null), SyncAsync("g", b.MemberId, b.GenerationId, b == leader ? assignments : null) };
        await Task.WhenAll(syncs).WaitAsync(Patience);

        // instance-b restarts: it comes back without its member id.
        var restarted = await JoinAsync(JoinRequest("g", instanceId: "instance-b")).WaitAsync(Patience);

        Assert.Equal(ErrorCode.None, (ErrorCode)restarted.ErrorCode);
        Assert.Equal(b.GenerationId, restarted.GenerationId);
        Assert.NotEqual(b.MemberId, restarted.MemberId);
        Assert.Equal("Stable", Describe("g").GroupState);
        Assert.Equal(ErrorCode.FencedInstanceId, Heartbeat("g", b.MemberId, b.GenerationId, "instance-b"));
        Assert.Equal(ErrorCode.None, Heartbeat("g", restarted.MemberId, b.GenerationId, "instance-b"));
        Assert.Equal(ErrorCode.None, Heartbeat("g", a.MemberId, a.GenerationId, "instance-a"));
        var resynced = await SyncAsync("g", restarted.MemberId, restarted.GenerationId);
        Assert.Equal("B", Encoding.UTF8.GetString(resynced.Assignment));
        Assert.Equal(ErrorCode.FencedInstanceId, (ErrorCode)(await JoinAsync(JoinRequest("g", b.MemberId, instanceId: "instance-b"))).ErrorCode);
    }
}
