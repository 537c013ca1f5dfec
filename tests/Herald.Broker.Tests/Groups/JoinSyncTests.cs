using System.Text;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

public sealed class JoinSyncTests : GroupCoordinatorTestBase
{
    [Fact]
    public async Task First_v5_join_gets_member_id_required_and_the_rejoin_forms_generation_one()
    {
        var first = await JoinAsync(JoinRequest("g"), clientId: "rdkafka");

        Assert.Equal(ErrorCode.MemberIdRequired, (ErrorCode)first.ErrorCode);
        Assert.StartsWith("rdkafka-", first.MemberId);
        Assert.Equal(-1, first.GenerationId);

        var rejoin = JoinAsync(JoinRequest("g", first.MemberId), clientId: "rdkafka");
        Assert.False(rejoin.IsCompleted, "the initial rebalance delay holds the first join");
        Time.AdvanceMs(InitialDelayMs);
        var joined = await rejoin.WaitAsync(Patience);

        Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
        Assert.Equal(1, joined.GenerationId);
        Assert.Equal(first.MemberId, joined.MemberId);
        Assert.Equal(first.MemberId, joined.Leader);
        Assert.Equal("range", joined.ProtocolName);
        Assert.Equal(Subscription("t1"), Assert.Single(joined.Members).Metadata);
    }

    [Fact]
    public async Task A_v3_join_gets_its_member_id_directly()
    {
        var join = JoinAsync(JoinRequest("g"), version: 3);
        Time.AdvanceMs(InitialDelayMs);
        var joined = await join.WaitAsync(Patience);

        Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
        Assert.StartsWith("client-", joined.MemberId);
        Assert.Equal(1, joined.GenerationId);
    }

    [Fact]
    public async Task Three_members_share_one_generation_and_only_the_leader_gets_the_metadata()
    {
        var joins = new List<Task<JoinGroupResponse>>();
        for (int i = 0; i < 3; i++)
        {
            joins.Add((await StartJoinAsync("g", $"c{i}", Subscription("t1", $"t-extra{i}"))).Join);
        }
        // Members that joined during the initial delay extend it once more (Kafka's InitialDelayedJoin).
        Time.AdvanceMs(InitialDelayMs);
        Assert.Equal("PreparingRebalance", Describe("g").GroupState);
        Time.AdvanceMs(InitialDelayMs);
        Assert.Equal("CompletingRebalance", Describe("g").GroupState);
        var responses = await Task.WhenAll(joins).WaitAsync(Patience);

        Assert.All(responses, r => Assert.Equal(ErrorCode.None, (ErrorCode)r.ErrorCode));
        Assert.Single(responses.Select(r => r.GenerationId).Distinct());
        var leaderId = Assert.Single(responses.Select(r => r.Leader).Distinct());
        var leader = Assert.Single(responses, r => r.MemberId == leaderId);
        Assert.Equal(responses.Select(r => r.MemberId).Order(), leader.Members.Select(m => m.MemberId).Order());
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Subscription("t1", $"t-extra{i}"), leader.Members.Single(m => m.MemberId == responses[i].MemberId).Metadata);
        }
        Assert.All(responses.Where(r => r != leader), r => Assert.Empty(r.Members));
    }

    [Fact]
    public async Task Sync_parks_followers_until_the_leader_hands_in_the_assignment()
    {
        var joins = new[] { (await StartJoinAsync("g", "a")).Join, (await StartJoinAsync("g", "b")).Join, (await StartJoinAsync("g", "c")).Join };
        PassInitialDelay("g");
        var responses = await Task.WhenAll(joins).WaitAsync(Patience);
        var leader = responses.Single(r => r.MemberId == r.Leader);
        var followers = responses.Where(r => r != leader).ToList();

        var followerSyncs = followers.Select(f => SyncAsync("g", f.MemberId, f.GenerationId)).ToList();
        Assert.All(followerSyncs, s => Assert.False(s.IsCompleted));
        Assert.Equal("CompletingRebalance", Describe("g").GroupState);

        // The leader assigns to itself and the first follower only; the second follower must get empty bytes.
        var assignments = new Dictionary<string, byte[]>
        {
            [leader.MemberId] = Encoding.UTF8.GetBytes("leader-part"),
            [followers[0].MemberId] = Encoding.UTF8.GetBytes("follower-part"),
        };
        var leaderSync = await SyncAsync("g", leader.MemberId, leader.GenerationId, assignments).WaitAsync(Patience);
        var synced = await Task.WhenAll(followerSyncs).WaitAsync(Patience);

        Assert.Equal("leader-part", Encoding.UTF8.GetString(leaderSync.Assignment));
        Assert.Equal("follower-part", Encoding.UTF8.GetString(synced[0].Assignment));
        Assert.NotNull(synced[1].Assignment);
        Assert.Empty(synced[1].Assignment);
        Assert.Equal("Stable", Describe("g").GroupState);

        // A late SyncGroup in Stable returns the member's assignment again.
        var again = await SyncAsync("g", followers[0].MemberId, leader.GenerationId);
        Assert.Equal("follower-part", Encoding.UTF8.GetString(again.Assignment));
    }

    [Fact]
    public async Task Sync_v5_echoes_protocol_and_rejects_a_mismatch()
    {
        var (memberId, join) = await StartJoinAsync("g");
        Time.AdvanceMs(InitialDelayMs);
        var joined = await join.WaitAsync(Patience);

        var wrong = new SyncGroupRequest { GroupId = "g", GenerationId = 1, MemberId = memberId, ProtocolType = "consumer", ProtocolName = "roundrobin" };
        var rejected = await Coordinator.SyncGroupAsync(Wire.RoundTrip(wrong, 5), 5);
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (ErrorCode)rejected.ErrorCode);

        var right = new SyncGroupRequest { GroupId = "g", GenerationId = 1, MemberId = memberId, ProtocolType = "consumer", ProtocolName = "range", Assignments = [new() { MemberId = memberId, Assignment = [1, 2] }] };
        var synced = Wire.RoundTrip(await Coordinator.SyncGroupAsync(Wire.RoundTrip(right, 5), 5), 5);
        Assert.Equal(ErrorCode.None, (ErrorCode)synced.ErrorCode);
        Assert.Equal("consumer", synced.ProtocolType);
        Assert.Equal("range", synced.ProtocolName);
        Assert.Equal([1, 2], synced.Assignment);
        Assert.Equal(1, joined.GenerationId);
    }

    [Fact]
    public async Task Sync_errors_for_unknown_member_stale_generation_and_rebalance()
    {
        var group = await FormStableGroupAsync("g", 2);

        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)(await SyncAsync("g", "nobody", group.Generation)).ErrorCode);
        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)(await SyncAsync("nogroup", group.Leader, group.Generation)).ErrorCode);
        Assert.Equal(ErrorCode.IllegalGeneration, (ErrorCode)(await SyncAsync("g", group.Leader, group.Generation + 5)).ErrorCode);

        var newcomer = await StartJoinAsync("g", "late");
        Assert.Equal(ErrorCode.RebalanceInProgress, (ErrorCode)(await SyncAsync("g", group.Leader, group.Generation)).ErrorCode);
        Assert.False(newcomer.Join.IsCompleted);
    }

    [Fact]
    public async Task A_fourth_member_triggers_a_rebalance_that_heartbeats_report()
    {
        var group = await FormStableGroupAsync("g", 3);
        Assert.All(group.Members, m => Assert.Equal(ErrorCode.None, Heartbeat("g", m, group.Generation)));

        var fourth = await StartJoinAsync("g", "fourth");

        Assert.Equal("PreparingRebalance", Describe("g").GroupState);
        Assert.All(group.Members, m => Assert.Equal(ErrorCode.RebalanceInProgress, Heartbeat("g", m, group.Generation)));
        Assert.False(fourth.Join.IsCompleted);

        var rejoins = group.Members.Select(m => JoinAsync(JoinRequest("g", m))).Append(fourth.Join).ToList();
        var responses = await Task.WhenAll(rejoins).WaitAsync(Patience);

        Assert.All(responses, r => Assert.Equal(group.Generation + 1, r.GenerationId));
        Assert.All(responses, r => Assert.Equal(group.Leader, r.Leader));
        Assert.Equal(4, responses.Single(r => r.MemberId == group.Leader).Members.Count);
        Assert.All(group.Members, m => Assert.Equal(ErrorCode.IllegalGeneration, Heartbeat("g", m, group.Generation)));
        Assert.All(group.Members, m => Assert.Equal(ErrorCode.None, Heartbeat("g", m, group.Generation + 1)));
    }

    [Fact]
    public async Task A_follower_rejoining_unchanged_in_stable_gets_the_current_generation_without_rebalance()
    {
        var group = await FormStableGroupAsync("g", 2);
        var follower = group.Members.Single(m => m != group.Leader);

        var response = await JoinAsync(JoinRequest("g", follower)).WaitAsync(Patience);

        Assert.Equal(group.Generation, response.GenerationId);
        Assert.Empty(response.Members);
        Assert.Equal("Stable", Describe("g").GroupState);
    }

    [Fact]
    public async Task Join_validation_errors()
    {
        var tooShort = JoinRequest("g");
        tooShort.SessionTimeoutMs = 100;
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (ErrorCode)(await JoinAsync(tooShort)).ErrorCode);

        var tooLong = JoinRequest("g");
        tooLong.SessionTimeoutMs = 1800001;
        Assert.Equal(ErrorCode.InvalidSessionTimeout, (ErrorCode)(await JoinAsync(tooLong)).ErrorCode);

        Assert.Equal(ErrorCode.UnknownMemberId, (ErrorCode)(await JoinAsync(JoinRequest("g", "ghost"))).ErrorCode);
        Assert.Equal(ErrorCode.InvalidGroupId, (ErrorCode)(await JoinAsync(JoinRequest(""))).ErrorCode);

        await FormStableGroupAsync("g", 1);
        var otherAssignor = await JoinAsync(JoinRequest("g", protocol: "roundrobin"));
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (ErrorCode)otherAssignor.ErrorCode);
        var otherType = JoinRequest("g");
        otherType.ProtocolType = "connect";
        Assert.Equal(ErrorCode.InconsistentGroupProtocol, (ErrorCode)(await JoinAsync(otherType)).ErrorCode);
    }

    [Fact]
    public async Task The_protocol_is_chosen_by_vote_among_common_protocols()
    {
        static JoinGroupRequest Prefers(string memberId, params string[] protocols)
        {
            var request = JoinRequest("g", memberId);
            request.Protocols = [.. protocols.Select(p => new JoinGroupRequest.JoinGroupRequestProtocol { Name = p, Metadata = [] })];
            return request;
        }
        var a = await JoinAsync(Prefers("", "cooperative-sticky", "range"));
        var b = await JoinAsync(Prefers("", "range", "cooperative-sticky"));
        var c = await JoinAsync(Prefers("", "range", "roundrobin"));
        var joins = new[] { JoinAsync(Prefers(a.MemberId, "cooperative-sticky", "range")), JoinAsync(Prefers(b.MemberId, "range", "cooperative-sticky")), JoinAsync(Prefers(c.MemberId, "range", "roundrobin")) };
        PassInitialDelay("g");

        var responses = await Task.WhenAll(joins).WaitAsync(Patience);

        Assert.All(responses, r => Assert.Equal("range", r.ProtocolName));
    }

    [Fact]
    public async Task Join_v7_and_v9_carry_protocol_type_and_null_protocol_name_on_errors()
    {
        var first = await JoinAsync(JoinRequest("g"), version: 9);
        Assert.Equal(ErrorCode.MemberIdRequired, (ErrorCode)first.ErrorCode);
        Assert.Null(first.ProtocolName);

        var join = JoinAsync(JoinRequest("g", first.MemberId), version: 7);
        Time.AdvanceMs(InitialDelayMs);
        var joined = await join.WaitAsync(Patience);
        Assert.Equal("consumer", joined.ProtocolType);
        Assert.Equal("range", joined.ProtocolName);
    }

    [Fact]
    public async Task Many_groups_rebalance_concurrently_on_real_timers()
    {
        await using var coordinator = new Herald.Broker.Groups.GroupCoordinator(
            Path.Combine(DataDirectory, "concurrent"), Options with { InitialRebalanceDelayMs = 20 }, PartitionExists, TimeProvider.System);

        async Task<int> RunGroupAsync(int g)
        {
            var members = await Task.WhenAll(Enumerable.Range(0, 4).Select(async i =>
            {
                var first = await coordinator.JoinGroupAsync(JoinRequest($"group-{g}"), 5, $"c{i}", "h");
                var joined = await coordinator.JoinGroupAsync(JoinRequest($"group-{g}", first.MemberId), 5, $"c{i}", "h");
                Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
                var sync = new SyncGroupRequest { GroupId = $"group-{g}", GenerationId = joined.GenerationId, MemberId = joined.MemberId };
                if (joined.Leader == joined.MemberId)
                {
                    sync.Assignments = [.. joined.Members.Select(m => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = m.MemberId, Assignment = [(byte)g] })];
                }
                var synced = await coordinator.SyncGroupAsync(sync, 3);
                // A member whose join arrived after the first generation formed gets REBALANCE_IN_PROGRESS and must rejoin;
                // the loop below keeps the test about safety (no UNKNOWN_MEMBER_ID), not about timing.
                while ((ErrorCode)synced.ErrorCode == ErrorCode.RebalanceInProgress)
                {
                    joined = await coordinator.JoinGroupAsync(JoinRequest($"group-{g}", joined.MemberId), 5, $"c{i}", "h");
                    Assert.Equal(ErrorCode.None, (ErrorCode)joined.ErrorCode);
                    sync.GenerationId = joined.GenerationId;
                    sync.Assignments = joined.Leader == joined.MemberId
                        ? [.. joined.Members.Select(m => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = m.MemberId, Assignment = [(byte)g] })]
                        : [];
                    synced = await coordinator.SyncGroupAsync(sync, 3);
                }
                Assert.Equal(ErrorCode.None, (ErrorCode)synced.ErrorCode);
                Assert.Equal([(byte)g], synced.Assignment);
                return joined.GenerationId;
            }));
            return members.Max();
        }

        var generations = await Task.WhenAll(Enumerable.Range(0, 24).Select(g => Task.Run(() => RunGroupAsync(g)))).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(generations, g => Assert.True(g >= 1));
        Assert.Equal(24, coordinator.GetGroups().Count(g => g.State == Herald.Broker.Groups.GroupState.Stable && g.MemberCount == 4));
    }
}
