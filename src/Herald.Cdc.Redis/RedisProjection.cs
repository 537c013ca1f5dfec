using System.Globalization;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Herald.Cdc.Model;
using StackExchange.Redis;

namespace Herald.Cdc.Redis;

/// <summary>
/// Keeps one Redis hash per row from change records: upsert on <c>c</c>/<c>u</c>/<c>r</c> (every non-null field set,
/// fields that became null removed), DEL on deletes, tombstones and <c>__deleted: "true"</c> rows. Idempotent: each write
/// is a compare-and-set on the row's LSN, so a redelivered or late older change never overwrites a newer one.
/// </summary>
/// <remarks>
/// Understands unwrapped rows (every <c>delete.tombstone.handling.mode</c>, schemas on or off) and Debezium envelopes.
/// The LSN comes from the row field or header named <see cref="RedisProjectionOptions.LsnField"/>
/// (<c>add.fields=lsn</c> or <c>add.headers=lsn</c>) or the envelope's <c>source.lsn</c>; without one, writes are
/// unconditional and redelivery is only eventually correct. A record without an LSN that follows a record of the same row
/// in its partition takes that record's LSN: this is how a tombstone after a delete is ordered. Unchanged TOAST values
/// (<see cref="ChangeEvent.UnavailableValuePlaceholder"/>) leave the stored field as it is.
/// <para>Not thread-safe: one consumer loop drives one instance.</para>
/// </remarks>
public sealed class RedisProjection
{
    private readonly IDatabase _database;
    private readonly RedisProjectionOptions _options;
    private readonly KeyPattern _keyPattern;
    private readonly Dictionary<(string Topic, int Partition), (string Key, ulong Lsn)> _lastInPartition = [];

    /// <summary>Creates the projection.</summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="options">Key pattern, LSN field, database.</param>
    public RedisProjection(IConnectionMultiplexer redis, RedisProjectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _keyPattern = new KeyPattern(options.KeyPattern);
        _database = redis.GetDatabase(options.Database);
    }

    /// <summary>Applies consumed records in order, pipelined in one round trip.</summary>
    /// <param name="records">The records, in consumption order.</param>
    /// <returns>What happened to each, in the same order.</returns>
    public async Task<IReadOnlyList<ProjectionApplied>> ApplyAsync(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var pending = new Task<ProjectionApplied>[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            // Started in order on one connection, so Redis runs them in order; awaited together.
            pending[i] = ApplyAsync(records[i]);
        }

        return await Task.WhenAll(pending).ConfigureAwait(false);
    }

    /// <summary>Applies one consumed record.</summary>
    /// <param name="record">The record.</param>
    public Task<ProjectionApplied> ApplyAsync(ConsumeResult<byte[]?, byte[]?> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = record.Message;
        string? Header(string name) =>
            message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? ChangeRecordReader.HeaderText(bytes) : null;

        var change = ChangeRecordReader.Read(message.Key, message.Value, Header, _options.LsnField);
        return ApplyAsync(change, record.Topic, record.Partition.Value, record.Offset.Value);
    }

    private async Task<ProjectionApplied> ApplyAsync(RowChange change, string topic, int partition, long offset)
    {
        if (change.Kind == RowChangeKind.Ignore || change.Key is null)
        {
            return new ProjectionApplied(topic, partition, offset, null, ProjectionOutcome.Ignored, change.Lsn);
        }

        var (schema, table) = Names(change, topic);
        var key = _keyPattern.Format(change.Key, schema, table, topic);
        if (change.Lsn is { } known)
        {
            _lastInPartition[(topic, partition)] = (key, known);
        }
        else if (_lastInPartition.TryGetValue((topic, partition), out var previous) && previous.Key == key)
        {
            // A tombstone right after its delete (or an LSN-less record after an LSN-carrying one of the same row):
            // the same position in the log, so a replay finds it as stale as the delete.
            change = change with { Lsn = previous.Lsn };
        }

        var values = new List<RedisValue>
        {
            _options.LsnField,
            change.Lsn is { } lsn ? lsn.ToString(CultureInfo.InvariantCulture) : "",
            change.Kind == RowChangeKind.Delete ? "d" : "u",
            (long)(_options.DeletedMarkerTtl?.TotalMilliseconds ?? 0),
        };
        if (change.Row is { } row)
        {
            AddFields(values, row);
        }
        else
        {
            values.Add(0);
        }

        var result = (int)await _database.ScriptEvaluateAsync(
            ProjectionScript.Source, [key, key + _options.DeletedMarkerSuffix], [.. values]).ConfigureAwait(false);
        var outcome = result switch
        {
            0 => ProjectionOutcome.Stale,
            1 => ProjectionOutcome.Upserted,
            _ => ProjectionOutcome.Deleted,
        };
        return new ProjectionApplied(topic, partition, offset, key, outcome, change.Lsn);
    }

    private void AddFields(List<RedisValue> values, JsonObject row)
    {
        var set = new List<RedisValue>(row.Count * 2);
        var removed = new List<RedisValue>();
        foreach (var (name, value) in row)
        {
            if (name == "__deleted" || name == _options.LsnField)
            {
                // The LSN field is written by the script itself, only when the change wins.
                continue;
            }

            if (value is null)
            {
                removed.Add(name);
            }
            else if (ChangeRecordReader.FieldText(value) is var text && text != ChangeEvent.UnavailableValuePlaceholder)
            {
                set.Add(name);
                set.Add(text);
            }
        }

        values.Add(set.Count / 2);
        values.AddRange(set);
        values.AddRange(removed);
    }

    private (string? Schema, string Table) Names(RowChange change, string topic)
    {
        var segments = topic.Split('.');
        var schema = change.Schema ?? (segments.Length >= 3 ? segments[^2] : null);
        var table = change.Table ?? _options.Table ?? segments[^1];
        return (schema, table);
    }
}
