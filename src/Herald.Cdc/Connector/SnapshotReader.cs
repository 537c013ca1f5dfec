using System.Text.Json.Nodes;
using Npgsql;

namespace Herald.Cdc.Connector;

/// <summary>
/// Reads the captured tables as of the slot's exported snapshot, so every row committed before the slot's consistent
/// point is read here and every later change arrives through the slot: nothing missed, nothing read twice.
/// </summary>
internal static class SnapshotReader
{
    /// <summary>Streams each row of each table, in table order, inside one REPEATABLE READ transaction on <paramref name="snapshotName"/>.</summary>
    /// <param name="connection">A regular connection (not the replication one) that stays open for the whole read.</param>
    /// <param name="snapshotName">The snapshot exported by <c>CREATE_REPLICATION_SLOT ... (SNAPSHOT 'export')</c>.</param>
    /// <param name="tables">The tables to read.</param>
    /// <param name="onRow">Receives each row, converted to Debezium's values.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<long> ReadAsync(NpgsqlConnection connection, string snapshotName, IReadOnlyList<CapturedTable> tables, Func<CapturedTable, JsonObject, ValueTask> onRow, CancellationToken cancellationToken)
    {
        long rows = 0;
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);

        // Must be the transaction's first statement; the snapshot stays valid until the replication connection runs
        // its next command, which the connector delays until this transaction has imported it.
        await using (var import = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT '{snapshotName.Replace("'", "''", StringComparison.Ordinal)}'", connection, transaction))
        {
            await import.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var table in tables)
        {
            // format('%s') calls the type's output function, the text pgoutput sends, so one conversion serves both
            // phases (::text would not: bool casts to 'true', inet to 'a.b.c.d/32'); it writes NULL as ''.
            var columns = string.Join(", ", table.Schema.Columns.Select(c => SlotManager.Quote(c.Name)).Select(c => $"CASE WHEN {c} IS NULL THEN NULL ELSE format('%s', {c}) END"));
            var sql = $"SELECT {columns} FROM {SlotManager.Quote(table.Schema.Schema)}.{SlotManager.Quote(table.Schema.Name)}";
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new JsonObject();
                for (var i = 0; i < table.Schema.Columns.Count; i++)
                {
                    row[table.Schema.Columns[i].Name] = reader.IsDBNull(i) ? null : table.Types[i].Convert(reader.GetString(i));
                }

                await onRow(table, row).ConfigureAwait(false);
                rows++;
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }
}
