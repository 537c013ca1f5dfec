namespace Herald.EventStore.Aggregates;

/// <summary>When and how aggregates are snapshotted.</summary>
public sealed record SnapshotOptions
{
    /// <summary>Take a snapshot every N events (0 = never). Default 100.</summary>
    public int Every { get; init; } = 100;

    /// <summary>
    /// The snapshot schema version: bump it whenever the aggregate's state shape or fold logic changes. Snapshots of
    /// another version are ignored and the state is rebuilt from events — a snapshot is a cache, never the truth.
    /// </summary>
    public int SchemaVersion { get; init; } = 1;
}
