// TEMPORARY stub so the broker compiles until the real coordinator lands. Delete on merge.
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

public sealed record GroupCoordinatorOptions
{
    public int MinSessionTimeoutMs { get; init; } = 6000;
    public int MaxSessionTimeoutMs { get; init; } = 1800000;
    public int InitialRebalanceDelayMs { get; init; } = 3000;
    public bool FlushOffsets { get; init; }
}

public sealed class GroupCoordinator : IAsyncDisposable
{
    public GroupCoordinator(string dataDirectory, GroupCoordinatorOptions options, Func<string, int, bool> partitionExists, TimeProvider timeProvider) => throw new NotImplementedException();
    public Task<JoinGroupResponse> JoinGroupAsync(JoinGroupRequest request, short version, string clientId, string clientHost, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<SyncGroupResponse> SyncGroupAsync(SyncGroupRequest request, short version, CancellationToken cancellationToken) => throw new NotImplementedException();
    public HeartbeatResponse Heartbeat(HeartbeatRequest request, short version) => throw new NotImplementedException();
    public LeaveGroupResponse LeaveGroup(LeaveGroupRequest request, short version) => throw new NotImplementedException();
    public OffsetCommitResponse CommitOffsets(OffsetCommitRequest request, short version) => throw new NotImplementedException();
    public OffsetFetchResponse FetchOffsets(OffsetFetchRequest request, short version) => throw new NotImplementedException();
    public ListGroupsResponse ListGroups(ListGroupsRequest request, short version) => throw new NotImplementedException();
    public DescribeGroupsResponse DescribeGroups(DescribeGroupsRequest request, short version) => throw new NotImplementedException();
    public DeleteGroupsResponse DeleteGroups(DeleteGroupsRequest request, short version) => throw new NotImplementedException();
    public OffsetDeleteResponse DeleteOffsets(OffsetDeleteRequest request, short version) => throw new NotImplementedException();
    public void RemoveTopic(string topic) => throw new NotImplementedException();
    public ValueTask DisposeAsync() => throw new NotImplementedException();
}
