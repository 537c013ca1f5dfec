namespace Herald.Broker.Groups;

/// <summary>A point-in-time view of one group, for lag monitoring and admin tools.</summary>
/// <param name="GroupId">The group id.</param>
/// <param name="State">The group's state.</param>
/// <param name="ProtocolType">The protocol type of the members (<c>consumer</c> for consumers), or empty.</param>
/// <param name="ProtocolName">The assignor chosen in the current generation, or empty.</param>
/// <param name="GenerationId">The current generation.</param>
/// <param name="MemberCount">How many members the group has.</param>
/// <param name="Offsets">The committed offsets by topic and partition.</param>
public sealed record GroupSummary(
    string GroupId,
    GroupState State,
    string ProtocolType,
    string ProtocolName,
    int GenerationId,
    int MemberCount,
    IReadOnlyDictionary<(string Topic, int Partition), long> Offsets);
