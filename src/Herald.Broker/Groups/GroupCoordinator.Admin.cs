using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    // Without an authorizer every group operation is allowed: READ (3), DELETE (6) and DESCRIBE (8).
    private const int AllGroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

    /// <summary>Handles ListGroups (API key 16).</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">v4+ filter by state (case-insensitive), v5+ by group type; every Herald group is <c>classic</c>.</param>
    public ListGroupsResponse ListGroups(ListGroupsRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new ListGroupsResponse { ThrottleTimeMs = 0 };
        if (_disposed)
        {
            response.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
            return response;
        }
        var states = version >= 4 ? request.StatesFilter ?? [] : [];
        var types = version >= 5 ? request.TypesFilter ?? [] : [];
        if (types.Count > 0 && !types.Contains("classic", StringComparer.OrdinalIgnoreCase))
        {
            return response;
        }
        foreach (var group in _groups.Values.OrderBy(g => g.GroupId, StringComparer.Ordinal))
        {
            lock (group.Gate)
            {
                string state = group.State.ToString();
                if (group.State == GroupState.Dead || (states.Count > 0 && !states.Contains(state, StringComparer.OrdinalIgnoreCase)))
                {
                    continue;
                }
                response.Groups.Add(new ListGroupsResponse.ListedGroup
                {
                    GroupId = group.GroupId,
                    ProtocolType = group.ProtocolType,
                    GroupState = state,
                    GroupType = "classic",
                });
            }
        }
        return response;
    }

    /// <summary>Handles DescribeGroups (API key 15).</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version (v3+ authorized operations, v4+ group.instance.id).</param>
    /// <remarks>
    /// An unknown group is described as state <c>Dead</c> with error NONE, as Kafka does. Member metadata and assignments
    /// (and the protocol name) are returned only in the Stable state, also as in Kafka.
    /// </remarks>
    public DescribeGroupsResponse DescribeGroups(DescribeGroupsRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new DescribeGroupsResponse { ThrottleTimeMs = 0 };
        int operations = version >= 3 && request.IncludeAuthorizedOperations ? AllGroupOperations : int.MinValue;
        foreach (var groupId in request.Groups)
        {
            var described = new DescribeGroupsResponse.DescribedGroup
            {
                GroupId = groupId,
                GroupState = nameof(GroupState.Dead),
                ProtocolType = "",
                ProtocolData = "",
                AuthorizedOperations = operations,
            };
            response.Groups.Add(described);
            if (_disposed)
            {
                described.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
                continue;
            }
            if (string.IsNullOrEmpty(groupId))
            {
                described.ErrorCode = (short)ErrorCode.InvalidGroupId;
                continue;
            }
            var group = FindGroup(groupId);
            if (group is null)
            {
                continue;
            }
            lock (group.Gate)
            {
                bool stable = group.State == GroupState.Stable;
                described.GroupState = group.State.ToString();
                described.ProtocolType = group.ProtocolType;
                described.ProtocolData = stable ? group.ProtocolName ?? "" : "";
                described.Members = [.. group.Members.Values.Select(m => new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = m.MemberId,
                    GroupInstanceId = version >= 4 ? m.GroupInstanceId : null,
                    ClientId = m.ClientId,
                    ClientHost = m.ClientHost,
                    MemberMetadata = stable ? m.MetadataFor(group.ProtocolName!) ?? [] : [],
                    MemberAssignment = stable ? m.Assignment : [],
                })];
            }
        }
        return response;
    }

    /// <summary>Handles DeleteGroups (API key 42): deletes empty groups and their committed offsets.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version.</param>
    /// <remarks>A group with members gets NON_EMPTY_GROUP; an unknown one GROUP_ID_NOT_FOUND.</remarks>
    public DeleteGroupsResponse DeleteGroups(DeleteGroupsRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new DeleteGroupsResponse { ThrottleTimeMs = 0 };
        foreach (var groupId in request.GroupsNames)
        {
            response.Results.Add(new DeleteGroupsResponse.DeletableGroupResult { GroupId = groupId, ErrorCode = (short)DeleteGroup(groupId) });
        }
        return response;
    }

    private ErrorCode DeleteGroup(string groupId)
    {
        if (_disposed)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        if (string.IsNullOrEmpty(groupId))
        {
            return ErrorCode.InvalidGroupId;
        }
        var group = FindGroup(groupId);
        if (group is null)
        {
            return ErrorCode.GroupIdNotFound;
        }
        lock (group.Gate)
        {
            if (group.State == GroupState.Dead)
            {
                return ErrorCode.GroupIdNotFound;
            }
            if (group.State != GroupState.Empty || group.PendingMembers.Count > 0)
            {
                return ErrorCode.NonEmptyGroup;
            }
            // Out of the dictionary before the lock is released, so a concurrent join that sees Dead retries on a new group.
            group.State = GroupState.Dead;
            group.RebalanceTimer?.Dispose();
            _groups.TryRemove(new KeyValuePair<string, ClassicGroup>(groupId, group));
            _offsets.DeleteGroup(groupId);
        }
        return ErrorCode.None;
    }
}
