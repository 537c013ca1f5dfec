using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>Handles SyncGroup (API key 14): the leader hands in assignments, followers wait for theirs.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version; v5 checks and echoes protocol type and name.</param>
    /// <param name="cancellationToken">Stops waiting; the member stays in the group.</param>
    /// <remarks>The assignment in the response is never null: members the leader left out get empty bytes.</remarks>
    public async Task<SyncGroupResponse> SyncGroupAsync(SyncGroupRequest request, short version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Sync(request, version).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles Heartbeat (API key 12): keeps the member's session alive and tells it when to rejoin.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version.</param>
    /// <returns>NONE in Stable and CompletingRebalance, REBALANCE_IN_PROGRESS while preparing a rebalance, or UNKNOWN_MEMBER_ID / ILLEGAL_GENERATION / FENCED_INSTANCE_ID.</returns>
    public HeartbeatResponse Heartbeat(HeartbeatRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new HeartbeatResponse { ThrottleTimeMs = 0, ErrorCode = (short)HeartbeatCore(request, version) };
    }

    private Task<SyncGroupResponse> Sync(SyncGroupRequest request, short version)
    {
        if (_disposed)
        {
            return Task.FromResult(SyncError(version, ErrorCode.CoordinatorNotAvailable));
        }
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return Task.FromResult(SyncError(version, ErrorCode.InvalidGroupId));
        }
        var group = FindGroup(request.GroupId);
        if (group is null)
        {
            return Task.FromResult(SyncError(version, ErrorCode.UnknownMemberId));
        }
        lock (group.Gate)
        {
            var error = ValidateMember(group, request.MemberId, version >= 3 ? request.GroupInstanceId : null, request.GenerationId);
            if (error != ErrorCode.None)
            {
                return Task.FromResult(SyncError(version, error));
            }
            if (version >= 5
                && ((request.ProtocolType is not null && request.ProtocolType != group.ProtocolType)
                    || (request.ProtocolName is not null && request.ProtocolName != group.ProtocolName)))
            {
                return Task.FromResult(SyncError(version, ErrorCode.InconsistentGroupProtocol));
            }
            var member = group.Members[request.MemberId];
            switch (group.State)
            {
                case GroupState.PreparingRebalance:
                    return Task.FromResult(SyncError(version, ErrorCode.RebalanceInProgress));
                case GroupState.Stable:
                    ScheduleSession(group, member);
                    return Task.FromResult(SyncResponse(group, version, member.Assignment));
                case GroupState.CompletingRebalance:
                {
                    var sync = new TaskCompletionSource<SyncGroupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
                    CompleteSync(member, SyncError(member.SyncVersion, ErrorCode.RebalanceInProgress));
                    member.PendingSync = sync;
                    member.SyncVersion = version;
                    ScheduleSession(group, member);
                    if (member.MemberId == group.LeaderId)
                    {
                        var assignments = new Dictionary<string, byte[]>(StringComparer.Ordinal);
                        foreach (var assignment in request.Assignments)
                        {
                            assignments[assignment.MemberId] = assignment.Assignment ?? [];
                        }
                        foreach (var m in group.Members.Values)
                        {
                            m.Assignment = assignments.GetValueOrDefault(m.MemberId) ?? [];
                        }
                        group.State = GroupState.Stable;
                        foreach (var m in group.Members.Values)
                        {
                            CompleteSync(m, SyncResponse(group, m.SyncVersion, m.Assignment));
                        }
                    }
                    return sync.Task;
                }
                default:
                    return Task.FromResult(SyncError(version, ErrorCode.UnknownMemberId));
            }
        }
    }

    private ErrorCode HeartbeatCore(HeartbeatRequest request, short version)
    {
        if (_disposed)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return ErrorCode.InvalidGroupId;
        }
        var group = FindGroup(request.GroupId);
        if (group is null)
        {
            return ErrorCode.UnknownMemberId;
        }
        lock (group.Gate)
        {
            var error = ValidateMember(group, request.MemberId, version >= 3 ? request.GroupInstanceId : null, request.GenerationId);
            if (error != ErrorCode.None)
            {
                return error;
            }
            switch (group.State)
            {
                case GroupState.Stable:
                case GroupState.CompletingRebalance:
                    ScheduleSession(group, group.Members[request.MemberId]);
                    return ErrorCode.None;
                case GroupState.PreparingRebalance:
                    ScheduleSession(group, group.Members[request.MemberId]);
                    return ErrorCode.RebalanceInProgress;
                default:
                    return ErrorCode.UnknownMemberId;
            }
        }
    }

    /// <summary>Kafka's validateCurrentMember: dead group, fenced static member, unknown member, stale generation.</summary>
    private static ErrorCode ValidateMember(ClassicGroup group, string memberId, string? instanceId, int generationId)
    {
        if (group.State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        if (group.IsStaticMemberFenced(memberId, instanceId))
        {
            return ErrorCode.FencedInstanceId;
        }
        if (!group.Members.ContainsKey(memberId))
        {
            return ErrorCode.UnknownMemberId;
        }
        if (generationId != group.GenerationId)
        {
            return ErrorCode.IllegalGeneration;
        }
        return ErrorCode.None;
    }
}
