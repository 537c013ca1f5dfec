using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>Handles LeaveGroup (API key 13): removes members and rebalances the rest, or empties the group.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">v0-2 carry one member id and answer with a top-level error; v3+ a batch of members (KIP-345) with an error each.</param>
    public LeaveGroupResponse LeaveGroup(LeaveGroupRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var leaving = version >= 3
            ? request.Members.Select(m => (m.MemberId, m.GroupInstanceId)).ToList()
            : [(request.MemberId, (string?)null)];
        var response = new LeaveGroupResponse { ThrottleTimeMs = 0 };
        if (_disposed || string.IsNullOrEmpty(request.GroupId))
        {
            response.ErrorCode = (short)(_disposed ? ErrorCode.CoordinatorNotAvailable : ErrorCode.InvalidGroupId);
            return response;
        }
        var results = new List<LeaveGroupResponse.MemberResponse>();
        var group = FindGroup(request.GroupId);
        if (group is null)
        {
            results.AddRange(leaving.Select(m => MemberResult(m.MemberId, m.GroupInstanceId, ErrorCode.UnknownMemberId)));
        }
        else
        {
            lock (group.Gate)
            {
                if (group.State == GroupState.Dead)
                {
                    response.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
                    return response;
                }
                bool removed = false;
                foreach (var (memberId, instanceId) in leaving)
                {
                    var error = RemoveLeavingMember(group, memberId, instanceId, ref removed);
                    results.Add(MemberResult(memberId, instanceId, error));
                }
                if (removed)
                {
                    if (group.State is GroupState.Stable or GroupState.CompletingRebalance)
                    {
                        PrepareRebalance(group);
                    }
                    else
                    {
                        TryCompleteJoin(group);
                    }
                }
            }
        }
        if (version >= 3)
        {
            response.Members = results;
        }
        else
        {
            response.ErrorCode = results[0].ErrorCode;
        }
        return response;
    }

    private static ErrorCode RemoveLeavingMember(ClassicGroup group, string memberId, string? instanceId, ref bool removed)
    {
        if (instanceId is not null)
        {
            // A static member may leave by instance id alone (member id "" is UNKNOWN_MEMBER_ID in Kafka terms).
            if (!group.StaticMembers.TryGetValue(instanceId, out var current))
            {
                return ErrorCode.UnknownMemberId;
            }
            if (memberId.Length > 0 && memberId != current)
            {
                return ErrorCode.FencedInstanceId;
            }
            memberId = current;
        }
        if (group.PendingMembers.Remove(memberId, out var pendingTimer))
        {
            pendingTimer.Dispose();
            removed = true;
            return ErrorCode.None;
        }
        if (!group.Members.TryGetValue(memberId, out var member))
        {
            return ErrorCode.UnknownMemberId;
        }
        RemoveMemberCore(group, member);
        removed = true;
        return ErrorCode.None;
    }

    private static LeaveGroupResponse.MemberResponse MemberResult(string memberId, string? instanceId, ErrorCode error) =>
        new() { MemberId = memberId, GroupInstanceId = instanceId, ErrorCode = (short)error };
}
