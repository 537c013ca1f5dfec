namespace Herald.Broker.Groups;

/// <summary>How the group coordinator validates members, batches initial joins and persists committed offsets.</summary>
/// <remarks>The names in <c>code</c> are the Kafka broker configs each property stands for.</remarks>
public sealed record GroupCoordinatorOptions
{
    /// <summary><c>group.min.session.timeout.ms</c>: the smallest session timeout a member may ask for. Default 6000.</summary>
    public int MinSessionTimeoutMs { get; init; } = 6000;

    /// <summary><c>group.max.session.timeout.ms</c>: the largest session timeout a member may ask for. Default 1800000 (30 minutes).</summary>
    public int MaxSessionTimeoutMs { get; init; } = 1800000;

    /// <summary><c>group.initial.rebalance.delay.ms</c>: how long the first rebalance of an empty group waits for more members. Default 3000.</summary>
    /// <remarks>Each member that joins during the delay extends it by the same amount, up to the rebalance timeout, as in Kafka.</remarks>
    public int InitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary>fsync the committed-offsets log before an OffsetCommit is answered. Default <see langword="false"/>.</summary>
    /// <remarks>Without it a commit survives a killed process (the bytes are in the OS page cache) but not a power loss, like Kafka's default.</remarks>
    public bool FlushOffsets { get; init; }
}
