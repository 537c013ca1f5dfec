using System.Globalization;
using System.Text.Json.Nodes;
using Herald.Cdc.Model;
using Npgsql;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Herald.Cdc.Connector;

/// <summary>
/// Turns pgoutput messages into change events shaped as Debezium shapes them: <c>before</c> by replica identity,
/// unchanged TOAST values as the placeholder, a primary-key update as delete + create with the key headers.
/// </summary>
/// <remarks>
/// Npgsql recycles message objects and streams tuple values, so every value is read once, in column order, before the
/// next message is requested.
/// </remarks>
internal sealed class PgOutputDecoder(TableCatalog catalog, NpgsqlDataSource dataSource, string serverName, string database, IReadOnlySet<uint> captured)
{
    private readonly Dictionary<uint, CapturedTable> _relations = [];
    private uint? _transactionId;
    private long _commitTimestampMs;
    private ulong? _lastCommitLsn;

    /// <summary>Whether a transaction's Begin was seen and its Commit not yet.</summary>
    public bool InTransaction { get; private set; }

    /// <summary>The changes in <paramref name="message"/>, or none for control messages.</summary>
    /// <remarks>A Commit yields no change; the caller checkpoints <see cref="CommitMessage.TransactionEndLsn"/>.</remarks>
    public async ValueTask<IReadOnlyList<ChangeEvent>> DecodeAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        switch (message)
        {
            case BeginMessage begin:
                InTransaction = true;
                _transactionId = begin.TransactionXid;
                _commitTimestampMs = new DateTimeOffset(begin.TransactionCommitTimestamp).ToUnixTimeMilliseconds();
                return [];
            case CommitMessage commit:
                InTransaction = false;
                _lastCommitLsn = (ulong)commit.CommitLsn;
                return [];
            case RelationMessage relation:
                await OnRelationAsync(relation, cancellationToken).ConfigureAwait(false);
                return [];
            case InsertMessage insert when Table(insert.Relation) is { } table:
                var row = await ReadRowAsync(insert.NewRow, table, keyOnly: false, fallback: null, cancellationToken).ConfigureAwait(false);
                return [Change(ChangeOperation.Create, table, table.KeyOf(row), null, row, message)];
            case UpdateMessage update when Table(update.Relation) is { } table:
                return await DecodeUpdateAsync(update, table, message, cancellationToken).ConfigureAwait(false);
            case KeyDeleteMessage delete when Table(delete.Relation) is { } table:
                var key = await ReadRowAsync(delete.Key, table, keyOnly: true, fallback: null, cancellationToken).ConfigureAwait(false);
                return [Change(ChangeOperation.Delete, table, table.KeyOf(key), key, null, message)];
            case FullDeleteMessage delete when Table(delete.Relation) is { } table:
                var old = await ReadRowAsync(delete.OldRow, table, keyOnly: false, fallback: null, cancellationToken).ConfigureAwait(false);
                return [Change(ChangeOperation.Delete, table, table.KeyOf(old), old, null, message)];
            case TruncateMessage truncate:
                return truncate.Relations.Select(r => Table(r)).OfType<CapturedTable>()
                    .Select(t => Change(ChangeOperation.Truncate, t, null, null, null, message)).ToList();
            default:
                return [];
        }
    }

    private async ValueTask<IReadOnlyList<ChangeEvent>> DecodeUpdateAsync(UpdateMessage update, CapturedTable table, PgOutputReplicationMessage message, CancellationToken cancellationToken)
    {
        // The old tuple precedes the new one on the wire and must be read first.
        JsonObject? before = update switch
        {
            FullUpdateMessage full => await ReadRowAsync(full.OldRow, table, keyOnly: false, fallback: null, cancellationToken).ConfigureAwait(false),
            IndexUpdateMessage index => await ReadRowAsync(index.Key, table, keyOnly: true, fallback: null, cancellationToken).ConfigureAwait(false),
            _ => null,
        };

        // With REPLICA IDENTITY FULL the old row holds the unchanged TOAST value; Debezium copies it (DBZ-3835).
        var after = await ReadRowAsync(update.NewRow, table, keyOnly: false, fallback: update is FullUpdateMessage ? before : null, cancellationToken).ConfigureAwait(false);
        var newKey = table.KeyOf(after);
        var oldKey = table.KeyOf(before);
        if (oldKey is not null && newKey is not null && !JsonNode.DeepEquals(oldKey, newKey))
        {
            // Debezium: DELETE (header __debezium.newkey), tombstone (from the transform), CREATE (header __debezium.oldkey).
            return
            [
                Change(ChangeOperation.Delete, table, oldKey, before, null, message) with { Headers = [new("__debezium.newkey", newKey.ToJsonString())] },
                Change(ChangeOperation.Create, table, newKey, null, after, message) with { Headers = [new("__debezium.oldkey", oldKey.ToJsonString())] },
            ];
        }

        // Under DEFAULT, before is only sent when the key changed; an unchanged key means no before.
        return [Change(ChangeOperation.Update, table, newKey, table.Schema.ReplicaIdentityFull ? before : null, after, message)];
    }

    private ChangeEvent Change(ChangeOperation operation, CapturedTable table, JsonObject? key, JsonObject? before, JsonObject? after, PgOutputReplicationMessage message)
    {
        var lsn = (ulong)message.WalStart;
        var sequence = $"[{(_lastCommitLsn is { } last ? "\"" + last.ToString(CultureInfo.InvariantCulture) + "\"" : "null")},\"{lsn.ToString(CultureInfo.InvariantCulture)}\"]";
        var source = new SourceInfo(serverName, _commitTimestampMs, "false", database, table.Schema.Schema, table.Schema.Name, _transactionId, lsn, sequence);
        return new ChangeEvent(operation, table.Schema, key, before, after, source, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private CapturedTable? Table(RelationMessage relation) => _relations.GetValueOrDefault(relation.RelationId);

    private async Task OnRelationAsync(RelationMessage relation, CancellationToken cancellationToken)
    {
        if (!captured.Contains(relation.RelationId))
        {
            // A table someone else added to a shared publication: not ours to capture.
            return;
        }

        // Copy the columns now: the message object is reused for the next message.
        var columns = new List<TableCatalog.RelationColumn>();
        foreach (var column in relation.Columns)
        {
            columns.Add(new(column.ColumnName, column.DataTypeId, column.TypeModifier));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        _relations[relation.RelationId] = await catalog.DescribeAsync(connection, relation.RelationId, columns, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<JsonObject> ReadRowAsync(ReplicationTuple tuple, CapturedTable table, bool keyOnly, JsonObject? fallback, CancellationToken cancellationToken)
    {
        var row = new JsonObject();
        var index = 0;
        await foreach (var value in tuple.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (index >= table.Schema.Columns.Count)
            {
                // Values must still be consumed in order; a column the layout lacks is skipped.
                index++;
                continue;
            }

            var column = table.Schema.Columns[index];
            JsonNode? node;
            if (value.IsDBNull)
            {
                node = null;
            }
            else if (value.IsUnchangedToastedValue)
            {
                node = fallback is not null && fallback.TryGetPropertyValue(column.Name, out var old) ? old?.DeepClone() : JsonValue.Create(ChangeEvent.UnavailableValuePlaceholder);
            }
            else
            {
                node = table.Types[index].Convert(await value.Get<string>(cancellationToken).ConfigureAwait(false));
            }

            if (!keyOnly || column.IsKey)
            {
                row[column.Name] = node;
            }

            index++;
        }

        return row;
    }
}
