namespace Herald.EventStore.Projections;

/// <summary>How the async projection daemon reads and waits.</summary>
public sealed record ProjectionDaemonOptions
{
    /// <summary>Events read and applied per transaction. Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>How long to wait before looking for new events once caught up. Default 100 ms.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long to wait after a transient storage failure before trying again. Default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
}
