using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>Handles JoinGroup (API key 11), holding the response until the group's rebalance completes.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version; decides MEMBER_ID_REQUIRED (v4+), static membership (v5+) and response fields.</param>
    /// <param name="clientId">The client id from the request header; prefixes generated member ids.</param>
    /// <param name="clientHost">The client's address, shown by DescribeGroups.</param>
    /// <param name="cancellationToken">Stops waiting (the connection closed); the member stays in the group until its session expires.</param>
    /// <remarks>
    /// v4+ joins with an empty member id and no group.instance.id get MEMBER_ID_REQUIRED (79) with a generated id
    /// (KIP-394). The leader's response lists every member with its metadata for the chosen protocol; followers get none.
    /// </remarks>
    public async Task<JoinGroupResponse> JoinGroupAsync(JoinGroupRequest request, short version, string clientId, string clientHost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return await Join(request, version, clientId ?? "", clientHost ?? "").WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private Task<JoinGroupResponse> Join(JoinGroupRequest request, short version, string clientId, string clientHost)
    {
        if (_disposed)
        {
            return Task.FromResult(JoinError(version, request.MemberId, ErrorCode.CoordinatorNotAvailable));
        }
        if (string.IsNullOrEmpty(request.GroupId))
        {
            return Task.FromResult(JoinError(version, request.MemberId, ErrorCode.InvalidGroupId));
        }
        if (request.SessionTimeoutMs < _options.MinSessionTimeoutMs || request.SessionTimeoutMs > _options.MaxSessionTimeoutMs)
        {
            return Task.FromResult(JoinError(version, request.MemberId, ErrorCode.InvalidSessionTimeout));
        }
        string? instanceId = version >= 5 ? request.GroupInstanceId : null;
        while (true)
        {
            var group = request.MemberId.Length == 0 ? GetOrCreateGroup(request.GroupId) : FindGroup(request.GroupId);
            if (group is null)
            {
                return Task.FromResult(JoinError(version, request.MemberId, ErrorCode.UnknownMemberId));
            }
            lock (group.Gate)
            {
                if (group.State == GroupState.Dead)
                {
                    // Deleted while we looked it up; it is already out of the dictionary, so a new member retries on a fresh group.
                    if (request.MemberId.Length == 0)
                    {
                        continue;
                    }
                    return Task.FromResult(JoinError(version, request.MemberId, ErrorCode.UnknownMemberId));
                }
                if (!group.SupportsProtocols(request.ProtocolType, request.Protocols))
                {
                    return Task.FromResult(JoinError(version, request.MemberId, ErrorCode.InconsistentGroupProtocol));
                }
                return request.MemberId.Length == 0
                    ? JoinNewMember(group, request, version, clientId, clientHost, instanceId)
                    : JoinKnownMember(group, request, version, clientId, clientHost, instanceId);
            }
        }
    }

    private Task<JoinGroupResponse> JoinNewMember(ClassicGroup group, JoinGroupRequest request, short version, string clientId, string clientHost, string? instanceId)
    {
        if (instanceId is not null)
        {
            if (group.StaticMembers.TryGetValue(instanceId, out var oldMemberId))
            {
                return ReplaceStaticMember(group, group.Members[oldMemberId], request, version, clientId, clientHost);
            }
            var staticJoin = NewJoin();
            AddMember(group, NewMember($"{instanceId}-{Guid.NewGuid()}", instanceId, request, version, clientId, clientHost), staticJoin, version);
            return staticJoin.Task;
        }
        string memberId = $"{clientId}-{Guid.NewGuid()}";
        if (version >= 4)
        {
            // KIP-394: the member must come back with this id; until then it only holds a pending slot.
            var timer = _time.CreateTimer(_ => OnPendingMemberExpired(group, memberId), null, TimeSpan.FromMilliseconds(request.SessionTimeoutMs), Timeout.InfiniteTimeSpan);
            group.PendingMembers[memberId] = timer;
            return Task.FromResult(JoinError(version, memberId, ErrorCode.MemberIdRequired));
        }
        var join = NewJoin();
        AddMember(group, NewMember(memberId, null, request, version, clientId, clientHost), join, version);
        return join.Task;
    }

    private Task<JoinGroupResponse> JoinKnownMember(ClassicGroup group, JoinGroupRequest request, short version, string clientId, string clientHost, string? instanceId)
    {
        string memberId = request.MemberId;
        if (group.PendingMembers.Remove(memberId, out var pendingTimer))
        {
            pendingTimer.Dispose();
            var pendingJoin = NewJoin();
            AddMember(group, NewMember(memberId, instanceId, request, version, clientId, clientHost), pendingJoin, version);
            return pendingJoin.Task;
        }
        if (group.IsStaticMemberFenced(memberId, instanceId))
        {
            return Task.FromResult(JoinError(version, memberId, ErrorCode.FencedInstanceId));
        }
        if (!group.Members.TryGetValue(memberId, out var member))
        {
            return Task.FromResult(JoinError(version, memberId, ErrorCode.UnknownMemberId));
        }
        switch (group.State)
        {
            case GroupState.PreparingRebalance:
            {
                var join = UpdateMember(group, member, request, version, clientId, clientHost);
                TryCompleteJoin(group);
                return join.Task;
            }
            case GroupState.CompletingRebalance when member.Matches(request.Protocols):
                // A retry of a join whose response was lost: answer with the current generation.
                ScheduleSession(group, member);
                return Task.FromResult(JoinResponse(group, member, version));
            case GroupState.Stable when member.MemberId != group.LeaderId && member.Matches(request.Protocols):
                ScheduleSession(group, member);
                return Task.FromResult(JoinResponse(group, member, version));
            case GroupState.CompletingRebalance:
            case GroupState.Stable:
            {
                var join = UpdateMember(group, member, request, version, clientId, clientHost);
                PrepareRebalance(group);
                return join.Task;
            }
            default:
                return Task.FromResult(JoinError(version, memberId, ErrorCode.UnknownMemberId));
        }
    }

    /// <summary>A known group.instance.id joined with an empty member id: it takes over the old member's place (KIP-345).</summary>
    private Task<JoinGroupResponse> ReplaceStaticMember(ClassicGroup group, GroupMember member, JoinGroupRequest request, short version, string clientId, string clientHost)
    {
        string oldMemberId = member.MemberId;
        string newMemberId = $"{member.GroupInstanceId}-{Guid.NewGuid()}";
        FailParked(member, ErrorCode.FencedInstanceId);
        group.Members.Remove(oldMemberId);
        member.MemberId = newMemberId;
        group.Members[newMemberId] = member;
        group.StaticMembers[member.GroupInstanceId!] = newMemberId;
        if (group.LeaderId == oldMemberId)
        {
            group.LeaderId = newMemberId;
        }
        var join = UpdateMember(group, member, request, version, clientId, clientHost);
        switch (group.State)
        {
            case GroupState.Stable when group.SelectProtocol() == group.ProtocolName:
                // Same protocol next generation: no rebalance, the member keeps its assignment. The leader gets the
                // member list with skip_assignment so it does not compute a new one (v9).
                member.PendingJoin = null;
                join.TrySetResult(JoinResponse(group, member, version, skipAssignment: member.MemberId == group.LeaderId));
                break;
            case GroupState.PreparingRebalance:
                TryCompleteJoin(group);
                break;
            default:
                // CompletingRebalance: the leader may already be assigning to the old member id, so rebalance again.
                PrepareRebalance(group);
                break;
        }
        return join.Task;
    }

    private TaskCompletionSource<JoinGroupResponse> UpdateMember(ClassicGroup group, GroupMember member, JoinGroupRequest request, short version, string clientId, string clientHost)
    {
        // A duplicate join replaces the parked one; the earlier caller has most likely gone away.
        member.PendingJoin?.TrySetResult(JoinError(member.JoinVersion, member.MemberId, ErrorCode.RebalanceInProgress));
        member.ClientId = clientId;
        member.ClientHost = clientHost;
        member.SessionTimeoutMs = request.SessionTimeoutMs;
        member.RebalanceTimeoutMs = version >= 1 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs;
        member.Protocols = [.. request.Protocols.Select(p => (p.Name, p.Metadata ?? []))];
        var join = NewJoin();
        member.PendingJoin = join;
        member.JoinVersion = version;
        ScheduleSession(group, member);
        return join;
    }

    private static GroupMember NewMember(string memberId, string? instanceId, JoinGroupRequest request, short version, string clientId, string clientHost) =>
        new(memberId, instanceId, clientId, clientHost)
        {
            SessionTimeoutMs = request.SessionTimeoutMs,
            // v0 has no rebalance timeout; Kafka uses the session timeout for it.
            RebalanceTimeoutMs = version >= 1 ? request.RebalanceTimeoutMs : request.SessionTimeoutMs,
            ProtocolType = request.ProtocolType,
            Protocols = [.. request.Protocols.Select(p => (p.Name, p.Metadata ?? []))],
        };

    private static TaskCompletionSource<JoinGroupResponse> NewJoin() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
