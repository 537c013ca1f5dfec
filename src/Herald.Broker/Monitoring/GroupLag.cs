namespace Herald.Broker.Monitoring;

/// <summary>One consumer group's position and lag, as <c>/metrics</c>, <c>/api/v1/groups</c>, the CLI and the console report it.</summary>
/// <param name="Group">The group id.</param>
/// <param name="State">The group state: <c>Empty</c>, <c>Stable</c>, <c>PreparingRebalance</c>, <c>CompletingRebalance</c>.</param>
/// <param name="ProtocolType">The members' protocol type (<c>consumer</c> for consumers), or empty.</param>
/// <param name="Members">The members of the current generation.</param>
/// <param name="TotalLagMessages">The sum of <see cref="PartitionLag.LagMessages"/> over committed partitions.</param>
/// <param name="MaxLagMessages">The largest partition lag in messages (0 when nothing is committed).</param>
/// <param name="MaxLagSeconds">The largest partition lag in seconds (0 when nothing is committed or nothing is unconsumed).</param>
/// <param name="Partitions">Every partition the group committed on or is assigned, by topic then partition.</param>
public sealed record GroupLag(
    string Group,
    string State,
    string ProtocolType,
    IReadOnlyList<GroupMemberInfo> Members,
    long TotalLagMessages,
    long MaxLagMessages,
    double MaxLagSeconds,
    IReadOnlyList<PartitionLag> Partitions);

/// <summary>One group member and the partitions its current assignment gives it.</summary>
/// <param name="MemberId">The member id the coordinator gave it.</param>
/// <param name="GroupInstanceId">The static member id, or null.</param>
/// <param name="ClientId">The client's <c>client.id</c>.</param>
/// <param name="ClientHost">The client's address.</param>
/// <param name="Assignment">The partitions assigned to it (empty until the group is stable or when the assignment is not the consumer protocol's).</param>
public sealed record GroupMemberInfo(
    string MemberId,
    string? GroupInstanceId,
    string ClientId,
    string ClientHost,
    IReadOnlyList<AssignedPartition> Assignment);

/// <summary>A topic partition in a member's assignment.</summary>
public sealed record AssignedPartition(string Topic, int Partition);

/// <summary>One partition of a group: where it is, where the log ends, and how far behind that is.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="CommittedOffset">The committed offset (the next offset the group will read), or null when the group never committed here.</param>
/// <param name="StartOffset">The first offset still in the log.</param>
/// <param name="EndOffset">The offset the next appended record will get.</param>
/// <param name="LagMessages"><c>max(0, end − committed)</c>, 0 when only control records remain; null without a commit.</param>
/// <param name="LagSeconds">Now minus the broker's append time of the first data record at or after the committed offset; 0 when none; null without a commit.</param>
/// <param name="MemberId">The member assigned this partition, or null.</param>
/// <param name="ClientId">That member's client id, or null.</param>
/// <param name="ClientHost">That member's address, or null.</param>
public sealed record PartitionLag(
    string Topic,
    int Partition,
    long? CommittedOffset,
    long StartOffset,
    long EndOffset,
    long? LagMessages,
    double? LagSeconds,
    string? MemberId,
    string? ClientId,
    string? ClientHost);
