using Herald.Broker.Monitoring;

namespace Herald.Broker.Groups;

/// <summary>A group as the lag monitor reads it.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">The group state name.</param>
/// <param name="ProtocolType">The members' protocol type, or empty.</param>
/// <param name="Members">The members and their assignments.</param>
/// <param name="CommittedOffsets">Every committed offset of the group.</param>
public sealed record GroupDescription(
    string GroupId,
    string State,
    string ProtocolType,
    IReadOnlyList<GroupMemberInfo> Members,
    IReadOnlyList<(string Topic, int Partition, long Offset)> CommittedOffsets);
