using System.Text;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

public sealed class AdminTests : GroupCoordinatorTestBase
{
    [Fact]
    public async Task Describe_shows_members_with_client_host_metadata_and_assignment()
    {
        var group = await FormStableGroupAsync("g", 2, i => Subscription("t1", $"t{i + 5}"));

        var described = Describe("g");

        Assert.Equal(ErrorCode.None, (ErrorCode)described.ErrorCode);
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal("consumer", described.ProtocolType);
        Assert.Equal("range", described.ProtocolData);
        Assert.Equal(group.Members.Order(), described.Members.Select(m => m.MemberId).Order());
        foreach (var member in described.Members)
        {
            Assert.StartsWith(member.ClientId + "-", member.MemberId);
            Assert.Equal("/10.0.0.1", member.ClientHost);
            Assert.Equal("assigned:" + member.MemberId, Encoding.UTF8.GetString(member.MemberAssignment));
            Assert.Contains(member.MemberMetadata, new[] { Subscription("t1", "t5"), Subscription("t1", "t6") });
        }
    }

    [Fact]
    public void Describe_answers_an_unknown_group_as_dead_without_error()
    {
        var described = Describe("nobody");

        Assert.Equal(ErrorCode.None, (ErrorCode)described.ErrorCode);
        Assert.Equal("Dead", described.GroupState);
        Assert.Empty(described.Members);
        Assert.Equal(ErrorCode.InvalidGroupId, (ErrorCode)Describe("").ErrorCode);
    }

    [Fact]
    public async Task List_filters_by_state_and_type()
    {
        await FormStableGroupAsync("stable", 1);
        Commit("empty", "", -1, [("t1", 0, 1, null)]);
        await StartJoinAsync("preparing");

        ListGroupsResponse List(short version, List<string>? states = null, List<string>? types = null)
        {
            var request = new ListGroupsRequest { StatesFilter = states ?? [], TypesFilter = types ?? [] };
            return Wire.RoundTrip(Coordinator.ListGroups(Wire.RoundTrip(request, version), version), version);
        }

        var all = List(5);
        Assert.Equal(["empty", "preparing", "stable"], all.Groups.Select(g => g.GroupId));
        Assert.Equal(["Empty", "PreparingRebalance", "Stable"], all.Groups.Select(g => g.GroupState));
        Assert.All(all.Groups, g => Assert.Equal("classic", g.GroupType));
        Assert.Equal("consumer", all.Groups.Single(g => g.GroupId == "stable").ProtocolType);
        Assert.Equal(["stable"], List(4, ["stable"]).Groups.Select(g => g.GroupId));
        Assert.Equal(["empty", "stable"], List(5, ["Empty", "STABLE"]).Groups.Select(g => g.GroupId));
        Assert.Equal(3, List(5, types: ["classic"]).Groups.Count);
        Assert.Empty(List(5, types: ["consumer"]).Groups);
        Assert.Equal(3, List(0).Groups.Count);
    }

    [Fact]
    public async Task Delete_groups_refuses_non_empty_and_unknown_groups_and_drops_offsets()
    {
        await FormStableGroupAsync("busy", 1);
        Commit("idle", "", -1, [("t1", 0, 1, null)]);
        var request = new DeleteGroupsRequest { GroupsNames = ["busy", "idle", "nobody"] };

        var response = Wire.RoundTrip(Coordinator.DeleteGroups(Wire.RoundTrip(request, 2), 2), 2);

        Assert.Equal([ErrorCode.NonEmptyGroup, ErrorCode.None, ErrorCode.GroupIdNotFound], response.Results.Select(r => (ErrorCode)r.ErrorCode));
        Assert.Empty(Fetch("idle"));
        Assert.Equal("Dead", Describe("idle").GroupState);
        Assert.DoesNotContain(Coordinator.GetGroups(), g => g.GroupId == "idle");

        await ReopenAsync();
        Assert.Empty(Fetch("idle"));

        // The id can be reused right away.
        var (_, join) = await StartJoinAsync("idle");
        PassInitialDelay("idle");
        Assert.Equal(1, (await join.WaitAsync(Patience)).GenerationId);
    }

    [Fact]
    public async Task Group_summaries_expose_committed_offsets_for_lag_monitoring()
    {
        var group = await FormStableGroupAsync("g", 2);
        Commit("g", group.Leader, group.Generation, [("t1", 0, 10, null), ("t1", 1, 20, null)]);

        var summary = Assert.Single(Coordinator.GetGroups());

        Assert.Equal("g", summary.GroupId);
        Assert.Equal(Herald.Broker.Groups.GroupState.Stable, summary.State);
        Assert.Equal(2, summary.MemberCount);
        Assert.Equal(group.Generation, summary.GenerationId);
        Assert.Equal("range", summary.ProtocolName);
        Assert.Equal(10, summary.Offsets[("t1", 0)]);
        Assert.Equal(20, summary.Offsets[("t1", 1)]);
        Assert.Equal(0, Coordinator.GetCommittedOffsets("g")[("t1", 1)].LeaderEpoch);
    }
}
