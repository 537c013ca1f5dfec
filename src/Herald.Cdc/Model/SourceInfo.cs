namespace Herald.Cdc.Model;

/// <summary>Debezium's PostgreSQL <c>source</c> block.</summary>
/// <param name="Name">The logical server name (the topic prefix).</param>
/// <param name="TimestampMs">Commit time of the change in the database (Unix milliseconds).</param>
/// <param name="Snapshot"><c>true</c>/<c>first</c>/<c>last</c>/… during the snapshot, <c>false</c> when streaming.</param>
/// <param name="Database">The database name.</param>
/// <param name="Schema">The table's schema.</param>
/// <param name="Table">The table's name.</param>
/// <param name="TransactionId">The PostgreSQL transaction id, if known.</param>
/// <param name="Lsn">The change's LSN as a number (for the snapshot: the LSN streaming resumes from).</param>
/// <param name="Sequence">Debezium's stringified <c>["last committed LSN","current LSN"]</c>, or null.</param>
public sealed record SourceInfo(
    string Name,
    long TimestampMs,
    string Snapshot,
    string Database,
    string Schema,
    string Table,
    long? TransactionId,
    ulong Lsn,
    string? Sequence)
{
    /// <summary>Debezium's <c>source.connector</c> for PostgreSQL.</summary>
    public const string Connector = "postgresql";

    /// <summary>The connector version written in <c>source.version</c>.</summary>
    public string Version { get; init; } = "herald-1.0";

    /// <summary><c>source.xmin</c>: always null here, as in Debezium unless xmin tracking is on.</summary>
    public long? Xmin { get; init; }
}
