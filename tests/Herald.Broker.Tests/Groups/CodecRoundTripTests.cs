using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

/// <summary>A whole consumer lifecycle at the versions librdkafka 2.x sends, every message through Write/Read.</summary>
public sealed class CodecRoundTripTests : GroupCoordinatorTestBase
{
    [Fact]
    public async Task A_librdkafka_consumer_lifecycle_survives_the_codecs()
    {
        // JoinGroup v5 (twice: MEMBER_ID_REQUIRED), SyncGroup v3, Heartbeat v3 are used by the helpers.
        var group = await FormStableGroupAsync("rd", 2);
        Assert.All(group.Members, m => Assert.Equal(ErrorCode.None, Heartbeat("rd", m, group.Generation, version: 3)));

        var commit = Commit("rd", group.Leader, group.Generation, [("t1", 0, 100, "rdkafka-meta")], version: 9);
        Assert.Equal(ErrorCode.None, SingleError(commit));

        var fetch = new OffsetFetchRequest
        {
            Groups = [new() { GroupId = "rd", MemberId = group.Leader, MemberEpoch = group.Generation, Topics = [new() { Name = "t1", PartitionIndexes = [0] }] }],
            RequireStable = true,
        };
        var fetched = Wire.RoundTrip(Coordinator.FetchOffsets(Wire.RoundTrip(fetch, 9), 9), 9);
        var partition = fetched.Groups[0].Topics[0].Partitions[0];
        Assert.Equal(100, partition.CommittedOffset);
        Assert.Equal("rdkafka-meta", partition.Metadata);

        var describe = new DescribeGroupsRequest { Groups = ["rd"], IncludeAuthorizedOperations = true };
        var described = Wire.RoundTrip(Coordinator.DescribeGroups(Wire.RoundTrip(describe, 5), 5), 5);
        Assert.Equal(2, described.Groups[0].Members.Count);
        // Without an authorizer every group operation is allowed: the bits of READ (3), DELETE (6) and DESCRIBE (8).
        Assert.Equal((1 << 3) | (1 << 6) | (1 << 8), described.Groups[0].AuthorizedOperations);

        var list = Wire.RoundTrip(Coordinator.ListGroups(Wire.RoundTrip(new ListGroupsRequest(), 5), 5), 5);
        Assert.Equal("Stable", Assert.Single(list.Groups).GroupState);

        Assert.All(group.Members, m => Assert.Equal(ErrorCode.None, Leave("rd", m, version: 1)));
        Assert.Equal("Empty", Describe("rd").GroupState);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public async Task Join_responses_encode_in_every_version(short version)
    {
        var join = Coordinator.JoinGroupAsync(JoinRequest("g"), version, "c", "h");
        if (version >= 4)
        {
            var required = Wire.RoundTrip(await join.WaitAsync(Patience), version);
            Assert.Equal(ErrorCode.MemberIdRequired, (ErrorCode)required.ErrorCode);
            join = Coordinator.JoinGroupAsync(JoinRequest("g", required.MemberId), version, "c", "h");
        }
        PassInitialDelay("g");
        var first = Wire.RoundTrip(await join.WaitAsync(Patience), version);

        Assert.Equal(ErrorCode.None, (ErrorCode)first.ErrorCode);
        Assert.Single(first.Members);
        byte[] assignment = [0, 1, 0, 0, 0, 1, 0, 2, (byte)version];
        var sync = new SyncGroupRequest { GroupId = "g", GenerationId = first.GenerationId, MemberId = first.MemberId, Assignments = [new() { MemberId = first.MemberId, Assignment = assignment }] };
        short syncVersion = (short)Math.Min((int)version, 5);
        var synced = Wire.RoundTrip(await Coordinator.SyncGroupAsync(Wire.RoundTrip(sync, syncVersion), syncVersion), syncVersion);
        Assert.Equal(ErrorCode.None, (ErrorCode)synced.ErrorCode);
        Assert.Equal(assignment, synced.Assignment);
        short leaveVersion = (short)Math.Min((int)version, 5);
        var leave = new LeaveGroupRequest { GroupId = "g", MemberId = first.MemberId, Members = [new() { MemberId = first.MemberId }] };
        var left = Wire.RoundTrip(Coordinator.LeaveGroup(Wire.RoundTrip(leave, leaveVersion), leaveVersion), leaveVersion);
        Assert.Equal(ErrorCode.None, (ErrorCode)left.ErrorCode);
    }
}
