namespace Herald.Cdc.Connector;

/// <summary>What a running connector is doing.</summary>
public enum CdcPhase
{
    /// <summary>Checking the server, creating the publication and the slot.</summary>
    Starting,

    /// <summary>Reading existing rows (<c>op: r</c>).</summary>
    Snapshot,

    /// <summary>Streaming changes from the slot.</summary>
    Streaming,

    /// <summary>Stopped (cancelled or failed).</summary>
    Stopped,
}

/// <summary>A running connector's progress, read from <see cref="CdcConnector.Status"/>.</summary>
/// <param name="Phase">What it is doing.</param>
/// <param name="SlotName">The replication slot.</param>
/// <param name="SnapshotRows">Rows emitted by the initial snapshot (0 when none ran).</param>
/// <param name="LastProcessedLsn">The LSN of the last change decoded and handed to the producer.</param>
/// <param name="ConfirmedLsn">The LSN last confirmed to the slot (every record before it is acknowledged).</param>
/// <param name="RecordsPublished">Records handed to the producer.</param>
/// <param name="RecordsAcknowledged">Records the broker acknowledged.</param>
/// <param name="StatusUpdatesSent">Standby status updates sent to the server.</param>
/// <param name="BrokerError">The producer's last error (e.g. all brokers down) while it retries, else null.</param>
public sealed record CdcConnectorStatus(
    CdcPhase Phase,
    string SlotName,
    long SnapshotRows,
    ulong LastProcessedLsn,
    ulong ConfirmedLsn,
    long RecordsPublished,
    long RecordsAcknowledged,
    long StatusUpdatesSent,
    string? BrokerError);
