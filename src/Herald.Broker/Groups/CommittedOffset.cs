namespace Herald.Broker.Groups;

/// <summary>One committed consumer position.</summary>
/// <param name="Offset">The next offset the group will consume.</param>
/// <param name="LeaderEpoch">The leader epoch the client saw with the offset, or -1.</param>
/// <param name="Metadata">The client's metadata string, returned unchanged by OffsetFetch.</param>
/// <param name="CommitTimestampMs">When the offset was committed, in Unix milliseconds.</param>
public readonly record struct CommittedOffset(long Offset, int LeaderEpoch, string? Metadata, long CommitTimestampMs);
