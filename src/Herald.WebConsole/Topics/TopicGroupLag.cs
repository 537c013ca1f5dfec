using Herald.Broker.Monitoring;

namespace Herald.WebConsole.Topics;

/// <summary>A consumer group's position on one topic.</summary>
/// <param name="Group">The group id.</param>
/// <param name="State">The group state.</param>
/// <param name="Members">Members of its current generation.</param>
/// <param name="CommittedPartitions">Partitions of this topic it committed on.</param>
/// <param name="AssignedPartitions">Partitions of this topic assigned to a member.</param>
/// <param name="LagMessages">Its lag on this topic: the sum over committed partitions.</param>
/// <param name="MaxLagSeconds">Its worst partition's lag in seconds on this topic.</param>
public sealed record TopicGroupLag(string Group, string State, int Members, int CommittedPartitions, int AssignedPartitions, long LagMessages, double MaxLagSeconds)
{
    /// <summary>Folds <paramref name="group"/>'s partitions of one topic.</summary>
    public static TopicGroupLag Of(GroupLag group, IReadOnlyList<PartitionLag> partitions) => new(
        group.Group,
        group.State,
        group.Members.Count,
        partitions.Count(p => p.CommittedOffset is not null),
        partitions.Count(p => p.MemberId is not null),
        partitions.Sum(p => p.LagMessages ?? 0),
        partitions.Count == 0 ? 0 : partitions.Max(p => p.LagSeconds ?? 0));
}
