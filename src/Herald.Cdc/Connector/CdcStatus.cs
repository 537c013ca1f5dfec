using Npgsql;
using NpgsqlTypes;

namespace Herald.Cdc.Connector;

/// <summary>A capture slot's health as the source database sees it (what <c>herald cdc status</c> prints).</summary>
/// <param name="SlotName">The replication slot.</param>
/// <param name="Active">Whether a connector is streaming from it now.</param>
/// <param name="ActivePid">The server process serving that connector, if any.</param>
/// <param name="ConfirmedFlushLsn">Everything before this LSN is acknowledged by the broker; a restart resumes here.</param>
/// <param name="RestartLsn">The oldest WAL the slot keeps on the server.</param>
/// <param name="LagBytes">WAL written after <paramref name="ConfirmedFlushLsn"/> (<c>pg_current_wal_lsn() - confirmed_flush_lsn</c>).</param>
/// <param name="LastProcessedLsn">The last change LSN the connector recorded in its state table, if any.</param>
/// <param name="SnapshotCompletedAt">When the initial snapshot was acknowledged, or null if it has not completed.</param>
/// <param name="WalStatus"><c>pg_replication_slots.wal_status</c>: reserved, extended, unreserved or lost.</param>
public sealed record CdcStatus(
    string SlotName,
    bool Active,
    int? ActivePid,
    string? ConfirmedFlushLsn,
    string? RestartLsn,
    long? LagBytes,
    string? LastProcessedLsn,
    DateTimeOffset? SnapshotCompletedAt,
    string? WalStatus)
{
    /// <summary>Reads the slot's status, or null when there is no such slot in this database.</summary>
    /// <param name="connectionString">The source database.</param>
    /// <param name="slotName">The slot.</param>
    /// <param name="stateTable">The connector's state table (see <see cref="CdcConnectorOptions.StateTable"/>).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public static async Task<CdcStatus?> ReadAsync(string connectionString, string slotName, string stateTable = "public.herald_cdc_state", CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        CdcStatus status;
        await using (var command = new NpgsqlCommand(
            """
            SELECT active, active_pid, confirmed_flush_lsn, restart_lsn,
                   (pg_catalog.pg_current_wal_lsn() - confirmed_flush_lsn)::bigint, wal_status
            FROM pg_catalog.pg_replication_slots WHERE slot_name = $1 AND database = current_database()
            """, connection))
        {
            command.Parameters.Add(new() { Value = slotName });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            status = new CdcStatus(
                slotName,
                reader.GetBoolean(0),
                reader.IsDBNull(1) ? null : reader.GetInt32(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(2).ToString(),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(3).ToString(),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                null,
                null,
                reader.IsDBNull(5) ? null : reader.GetString(5));
        }

        await using (var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new() { Value = stateTable });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return status;
            }
        }

        await using (var command = new NpgsqlCommand($"SELECT last_lsn, snapshot_completed_at FROM {stateTable} WHERE slot_name = $1", connection))
        {
            command.Parameters.Add(new() { Value = slotName });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                status = status with
                {
                    LastProcessedLsn = reader.IsDBNull(0) ? null : reader.GetFieldValue<NpgsqlLogSequenceNumber>(0).ToString(),
                    SnapshotCompletedAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                };
            }
        }

        return status;
    }
}
