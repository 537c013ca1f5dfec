using Herald.Cdc.Model;
using Microsoft.Extensions.Logging;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;

namespace Herald.Cdc.Connector;

public sealed partial class CdcConnector
{
    /// <summary>
    /// Creates the slot exporting its snapshot, reads every table as of that snapshot (<c>op: r</c>), waits until the
    /// broker acknowledged all of it and only then records the snapshot as complete.
    /// </summary>
    private async Task<PgOutputReplicationSlot> CreateSlotAndSnapshotAsync(
        LogicalReplicationConnection replication, NpgsqlDataSource dataSource, bool slotExists, IReadOnlyList<CapturedTable> tables, string database, CancellationToken cancellationToken)
    {
        var slotName = Options.EffectiveSlotName;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        if (slotExists)
        {
            // The slot outlived a snapshot that never completed: its exported snapshot is gone, so start over.
            _logger.LogWarning("the initial snapshot of slot {Slot} did not complete; dropping the slot and snapshotting again", slotName);
            await replication.DropReplicationSlot(slotName, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        await SlotManager.ResetStateAsync(connection, Options.StateTable, slotName, cancellationToken).ConfigureAwait(false);
        var mode = Options.InitialSnapshot ? LogicalSlotSnapshotInitMode.Export : LogicalSlotSnapshotInitMode.NoExport;
        var slot = await replication.CreatePgOutputReplicationSlot(slotName, temporarySlot: false, slotSnapshotInitMode: mode, cancellationToken: cancellationToken).ConfigureAwait(false);
        var consistentPoint = (ulong)slot.ConsistentPoint;
        _logger.LogInformation("created slot {Slot} at {Lsn}", slotName, slot.ConsistentPoint);
        if (Options.InitialSnapshot)
        {
            _phase = CdcPhase.Snapshot;
            await SnapshotAsync(slot.SnapshotName!, tables, database, consistentPoint, dataSource, cancellationToken).ConfigureAwait(false);
        }

        await SlotManager.MarkSnapshotCompleteAsync(connection, Options.StateTable, slotName, consistentPoint, cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _confirmedLsn, (long)consistentPoint);
        return slot;
    }

    private async Task SnapshotAsync(string snapshotName, IReadOnlyList<CapturedTable> tables, string database, ulong consistentPoint, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var publisher = _publisher!;
        var startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // One change is held back so the last one can be marked source.snapshot = "last", as Debezium does.
        ChangeEvent? pending = null;
        var first = true;
        async ValueTask EmitAsync(ChangeEvent change, string marker)
        {
            var marked = change with { Source = change.Source with { Snapshot = marker } };
            foreach (var record in _transform.Apply(marked, TopicOf(change)))
            {
                await publisher.PublishAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }

        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            var rows = await SnapshotReader.ReadAsync(connection, snapshotName, tables, async (table, row) =>
            {
                if (pending is not null)
                {
                    await EmitAsync(pending, first ? "first" : "true").ConfigureAwait(false);
                    first = false;
                }

                var source = new SourceInfo(Options.TopicPrefix, startedMs, "true", database, table.Schema.Schema, table.Schema.Name, null, consistentPoint, null);
                pending = new ChangeEvent(ChangeOperation.Read, table.Schema, table.KeyOf(row), null, row, source, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                Interlocked.Increment(ref _snapshotRows);
            }, cancellationToken).ConfigureAwait(false);
            if (pending is not null)
            {
                await EmitAsync(pending, "last").ConfigureAwait(false);
            }

            _logger.LogInformation("snapshot read {Rows} rows at {Lsn}; waiting for the broker to acknowledge them", rows, consistentPoint);
        }

        await publisher.FlushAsync(cancellationToken).ConfigureAwait(false);
        publisher.Checkpoint(consistentPoint);
    }

    private string TopicOf(ChangeEvent change) => $"{Options.TopicPrefix}.{change.Source.Schema}.{change.Source.Table}";

}
