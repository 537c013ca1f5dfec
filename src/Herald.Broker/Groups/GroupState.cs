namespace Herald.Broker.Groups;

/// <summary>The state of a classic consumer group; the names are the strings Kafka returns in DescribeGroups and ListGroups.</summary>
public enum GroupState
{
    /// <summary>No members; the group may still hold committed offsets.</summary>
    Empty,

    /// <summary>A rebalance started; JoinGroup responses are held until the members rejoined or the rebalance timeout expired.</summary>
    PreparingRebalance,

    /// <summary>The members were told the new generation; waiting for the leader's assignment in SyncGroup.</summary>
    CompletingRebalance,

    /// <summary>Every member has its assignment.</summary>
    Stable,

    /// <summary>The group was deleted (or never existed, in DescribeGroups).</summary>
    Dead,
}
