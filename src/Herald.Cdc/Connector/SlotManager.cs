using Npgsql;
using NpgsqlTypes;

namespace Herald.Cdc.Connector;

/// <summary>The replication slot as <c>pg_replication_slots</c> shows it.</summary>
/// <param name="Exists">Whether the slot exists.</param>
/// <param name="Active">Whether a process is streaming from it.</param>
/// <param name="ActivePid">That process, if any.</param>
/// <param name="Plugin">The output plugin (<c>pgoutput</c> for Herald's slots).</param>
/// <param name="ConfirmedFlushLsn">How far the consumer confirmed.</param>
/// <param name="RestartLsn">The oldest WAL the slot keeps.</param>
internal sealed record SlotInfo(bool Exists, bool Active, int? ActivePid, string? Plugin, ulong? ConfirmedFlushLsn, ulong? RestartLsn);

/// <summary>Preflight checks, the publication, the slot's state and the connector's state table, all through plain SQL.</summary>
internal static class SlotManager
{
    /// <summary>Fails with the fix when logical decoding is off or the role cannot replicate.</summary>
    public static async Task CheckServerAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var command = new NpgsqlCommand("SHOW wal_level", connection))
        {
            var level = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            if (level != "logical")
            {
                throw new CdcConfigurationException($"PostgreSQL has wal_level={level}; logical replication needs wal_level=logical: set wal_level=logical in postgresql.conf and restart PostgreSQL");
            }
        }

        await using (var command = new NpgsqlCommand("SELECT current_user, rolreplication OR rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user", connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && !reader.GetBoolean(1))
            {
                var role = reader.GetString(0);
                throw new CdcConfigurationException($"role {role} may not use replication: run ALTER ROLE {role} REPLICATION as a superuser (and allow it in pg_hba.conf)");
            }
        }
    }

    /// <summary>Creates the publication for <paramref name="tables"/>, or adds the tables an existing one lacks.</summary>
    public static async Task EnsurePublicationAsync(NpgsqlConnection connection, string publication, IReadOnlyList<CapturedTable> tables, CancellationToken cancellationToken)
    {
        var names = tables.Select(t => Quote(t.Schema.Schema) + "." + Quote(t.Schema.Name)).ToList();
        await using var exists = new NpgsqlCommand("SELECT puballtables FROM pg_catalog.pg_publication WHERE pubname = $1", connection);
        exists.Parameters.Add(new() { Value = publication });
        var allTables = (bool?)await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (allTables is null)
        {
            await ExecuteAsync(connection, $"CREATE PUBLICATION {Quote(publication)} FOR TABLE {string.Join(", ", names)}", cancellationToken).ConfigureAwait(false);
            return;
        }

        if (allTables.Value)
        {
            return;
        }

        await using var listed = new NpgsqlCommand("SELECT schemaname || '.' || tablename FROM pg_catalog.pg_publication_tables WHERE pubname = $1", connection);
        listed.Parameters.Add(new() { Value = publication });
        var present = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await listed.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                present.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables.Where(t => !present.Contains(t.Schema.QualifiedName)))
        {
            await ExecuteAsync(connection, $"ALTER PUBLICATION {Quote(publication)} ADD TABLE {Quote(table.Schema.Schema)}.{Quote(table.Schema.Name)}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The slot's row in <c>pg_replication_slots</c>.</summary>
    public static async Task<SlotInfo> GetSlotAsync(NpgsqlConnection connection, string slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT active, active_pid, plugin, confirmed_flush_lsn, restart_lsn FROM pg_catalog.pg_replication_slots WHERE slot_name = $1 AND database = current_database()", connection);
        command.Parameters.Add(new() { Value = slot });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return new SlotInfo(false, false, null, null, null, null);
        }

        return new SlotInfo(
            true,
            reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(3),
            reader.IsDBNull(4) ? null : (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(4));
    }

    /// <summary>The error for a slot another process streams from.</summary>
    public static CdcConfigurationException SlotInUse(string slot, int? pid) =>
        new($"replication slot {slot} is in use by another process (active_pid {pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}): stop the other connector, or choose another --slot; to force it off run SELECT pg_terminate_backend({pid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<pid>"})");

    /// <summary>Creates the state table when missing.</summary>
    public static Task EnsureStateTableAsync(NpgsqlConnection connection, string stateTable, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, $"""
            CREATE TABLE IF NOT EXISTS {stateTable} (
                slot_name text PRIMARY KEY,
                snapshot_completed_at timestamptz,
                snapshot_lsn pg_lsn,
                last_lsn pg_lsn,
                updated_at timestamptz NOT NULL DEFAULT now())
            """, cancellationToken);

    /// <summary>Whether the initial snapshot of <paramref name="slot"/> completed (and was acknowledged by the broker).</summary>
    public static async Task<bool> IsSnapshotCompleteAsync(NpgsqlConnection connection, string stateTable, string slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT snapshot_completed_at IS NOT NULL FROM {stateTable} WHERE slot_name = $1", connection);
        command.Parameters.Add(new() { Value = slot });
        return (bool?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) ?? false;
    }

    /// <summary>Starts the slot's state over (a new slot: no snapshot done yet).</summary>
    public static async Task ResetStateAsync(NpgsqlConnection connection, string stateTable, string slot, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"DELETE FROM {stateTable} WHERE slot_name = $1", connection);
        command.Parameters.Add(new() { Value = slot });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that the snapshot read at <paramref name="lsn"/> is complete and acknowledged.</summary>
    public static async Task MarkSnapshotCompleteAsync(NpgsqlConnection connection, string stateTable, string slot, ulong lsn, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {stateTable} (slot_name, snapshot_completed_at, snapshot_lsn, last_lsn) VALUES ($1, now(), $2, $2)
            ON CONFLICT (slot_name) DO UPDATE SET snapshot_completed_at = now(), snapshot_lsn = $2, last_lsn = $2, updated_at = now()
            """, connection);
        command.Parameters.Add(new() { Value = slot });
        command.Parameters.Add(new() { Value = new NpgsqlLogSequenceNumber(lsn), NpgsqlDbType = NpgsqlDbType.PgLsn });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the last LSN the running connector processed (for <c>herald cdc status</c>).</summary>
    public static async Task SaveLastLsnAsync(NpgsqlConnection connection, string stateTable, string slot, ulong lsn, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {stateTable} (slot_name, last_lsn) VALUES ($1, $2)
            ON CONFLICT (slot_name) DO UPDATE SET last_lsn = $2, updated_at = now()
            """, connection);
        command.Parameters.Add(new() { Value = slot });
        command.Parameters.Add(new() { Value = new NpgsqlLogSequenceNumber(lsn), NpgsqlDbType = NpgsqlDbType.PgLsn });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
