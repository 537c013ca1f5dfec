using Herald.Broker.Monitoring;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>The ids of every live group (with members or committed offsets), in ordinal order.</summary>
    public IReadOnlyList<string> GroupIds() => [.. _groups.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// One group's state, members with their decoded assignments, and committed offsets; <see langword="null"/> when the
    /// group does not exist.
    /// </summary>
    public GroupDescription? Describe(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return null;
        }

        var offsets = _offsets.GetAll(groupId);
        lock (group.Gate)
        {
            if (group.State == GroupState.Dead)
            {
                return null;
            }

            var members = new List<GroupMemberInfo>(group.Members.Count);
            foreach (var member in group.Members.Values)
            {
                var assignment = group.ProtocolType == "consumer"
                    ? ConsumerProtocolAssignment.ReadPartitions(member.Assignment).Select(a => new AssignedPartition(a.Topic, a.Partition)).ToList()
                    : [];
                members.Add(new GroupMemberInfo(member.MemberId, member.GroupInstanceId, member.ClientId, member.ClientHost, assignment));
            }

            return new GroupDescription(group.GroupId, group.State.ToString(), group.ProtocolType, members, [.. offsets.Select(o => (o.Topic, o.Partition, o.Offset.Offset))]);
        }
    }
}
