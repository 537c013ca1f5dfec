using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Cdc.Model;
using Herald.Cdc.Serialization;

namespace Herald.Cdc.Transforms;

/// <summary>
/// Debezium's "unwrap" transform (<c>io.debezium.transforms.ExtractNewRecordState</c>): the record value becomes the
/// flat new row state instead of the envelope, with deletes handled by
/// <see cref="ExtractNewRecordStateOptions.DeleteTombstoneHandling"/> and envelope metadata optionally copied into the
/// row (<c>add.fields</c>) or headers (<c>add.headers</c>).
/// </summary>
/// <remarks>
/// <para>Per change: <c>c</c>/<c>u</c>/<c>r</c> give <c>after</c> (plus <c>__deleted: "false"</c> in the rewrite modes);
/// a <c>d</c> is dropped, becomes a null row, a rewritten <c>before</c> with <c>__deleted: "true"</c>, or a real tombstone;
/// Debezium's own tombstone after the delete is kept only by <c>rewrite-with-tombstone</c> (or legacy
/// <c>drop.tombstones=false</c>). A <c>t</c> (truncate) is dropped, as Debezium's default strategy does; only the legacy
/// <c>drop.tombstones=false</c> passes it through unchanged, as Debezium's legacy strategy does.</para>
/// <para>The key is the same key struct the envelope record has. The change's own headers are kept on every record.</para>
/// </remarks>
public sealed class ExtractNewRecordState : IChangeTransform
{
    private const string DeletedField = "__deleted";
    private static readonly JsonValue DeletedTrue = JsonValue.Create("true");
    private static readonly JsonValue DeletedFalse = JsonValue.Create("false");

    private readonly DebeziumJsonSerializer _serializer;
    private readonly FieldReference[] _fields;
    private readonly FieldReference[] _headers;
    private readonly DeletePlan _plan;
    private readonly bool _connectorTombstones;

    /// <summary>Creates the transform.</summary>
    /// <param name="options">Unwrap settings; Debezium's defaults when null.</param>
    /// <param name="serializer">Writes keys and rows; schemas off when null.</param>
    /// <param name="connector">The connector's tombstone setting (<c>tombstones.on.delete</c>): without it there is no
    /// Debezium tombstone for <c>rewrite-with-tombstone</c> to keep.</param>
    /// <exception cref="FormatException">A malformed <c>add.fields</c>/<c>add.headers</c> entry.</exception>
    public ExtractNewRecordState(
        ExtractNewRecordStateOptions? options = null, DebeziumJsonSerializer? serializer = null, EnvelopeTransformOptions? connector = null)
    {
        Options = options ?? ExtractNewRecordStateOptions.Default;
        _serializer = serializer ?? new DebeziumJsonSerializer();
        _fields = FieldReference.ParseAll(Options.AddFields, Options.AddFieldsPrefix);
        _headers = FieldReference.ParseAll(Options.AddHeaders, Options.AddHeadersPrefix);
        _plan = DeletePlan.From(Options);
        _connectorTombstones = (connector ?? EnvelopeTransformOptions.Default).TombstonesOnDelete;
    }

    /// <summary>The settings in use.</summary>
    public ExtractNewRecordStateOptions Options { get; }

    /// <inheritdoc />
    public IReadOnlyList<CdcRecord> Apply(ChangeEvent change, string topic)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(topic);
        var lsn = change.Source.Lsn;
        if (change.Operation == ChangeOperation.Truncate)
        {
            return _plan.KeepTruncates ? [new CdcRecord(topic, null, _serializer.SerializeEnvelope(change), change.Headers, lsn)] : [];
        }

        var dropped = FieldsToDrop(change);
        var key = SerializeKey(change, dropped);
        var headers = Headers(change);
        topic = RoutedTopic(change) ?? topic;
        if (change.Operation != ChangeOperation.Delete)
        {
            if (change.After is not { } after)
            {
                return [];
            }

            var value = SerializeRow(change, after, _plan.Delete == DeleteAction.Rewrite ? DeletedFalse : null, dropped);
            return [new CdcRecord(topic, key, value, headers, lsn)];
        }

        var records = new List<CdcRecord>(2);
        switch (_plan.Delete)
        {
            case DeleteAction.NullRow:
                records.Add(new CdcRecord(topic, key, _serializer.SerializeNullRow(change), headers, lsn));
                break;
            case DeleteAction.Rewrite:
                // Under REPLICA IDENTITY NOTHING there is no before: Debezium then writes the null row as well.
                var value = change.Before is { } before
                    ? SerializeRow(change, before, DeletedTrue, dropped)
                    : _serializer.SerializeNullRow(change);
                records.Add(new CdcRecord(topic, key, value, headers, lsn));
                break;
            case DeleteAction.Tombstone:
                records.Add(new CdcRecord(topic, key, null, headers, lsn));
                break;
        }

        if (_plan.KeepTombstones && _connectorTombstones && key is not null)
        {
            records.Add(new CdcRecord(topic, key, null, TombstoneHeaders(change), lsn));
        }

        return records;
    }

    private byte[] SerializeRow(ChangeEvent change, JsonObject row, JsonValue? deleted, HashSet<string>? dropped)
    {
        if (dropped is not null)
        {
            (change, row) = WithoutFields(change, row, dropped);
        }

        var extra = new List<AddedField>(_fields.Length + 1);
        if (deleted is not null)
        {
            extra.Add(new AddedField(DeletedField, "string", deleted));
        }

        foreach (var field in _fields)
        {
            extra.Add(field.TryResolve(change, out var value, out var type)
                ? new AddedField(field.OutputName, type, value)
                : new AddedField(field.OutputName, "string", null));
        }

        return _serializer.SerializeRow(change, row, extra);
    }

    private byte[]? SerializeKey(ChangeEvent change, HashSet<string>? dropped)
    {
        if (dropped is null || !Options.DropFieldsFromKey || change.Key is null)
        {
            return _serializer.SerializeKey(change);
        }

        var (keyChange, key) = WithoutFields(change, change.Key, dropped);
        return _serializer.SerializeKey(keyChange with { Key = key });
    }

    private IReadOnlyList<KeyValuePair<string, string>> Headers(ChangeEvent change)
    {
        if (_headers.Length == 0)
        {
            return change.Headers;
        }

        var headers = new List<KeyValuePair<string, string>>(change.Headers.Count + _headers.Length);
        headers.AddRange(change.Headers);
        foreach (var header in _headers)
        {
            // Connect headers may be null; Herald's record headers are strings, so a null field is left out.
            if (header.TryResolve(change, out var value, out _) && FieldReference.HeaderText(value) is { } text)
            {
                headers.Add(new(header.OutputName, text));
            }
        }

        return headers;
    }

    private IReadOnlyList<KeyValuePair<string, string>> TombstoneHeaders(ChangeEvent change)
    {
        // A tombstone has no envelope to read from; Debezium adds only the op header to it, as "d".
        var op = _headers.FirstOrDefault(h => h is { Struct: null, Field: "op" });
        return op is null ? change.Headers : [.. change.Headers, new(op.OutputName, "d")];
    }

    private string? RoutedTopic(ChangeEvent change)
    {
        if (Options.RouteByField is not { } field)
        {
            return null;
        }

        var row = change.Operation == ChangeOperation.Delete ? change.Before : change.After;
        return row is not null && row.TryGetPropertyValue(field, out var value) && value is JsonValue v
            && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } name
            ? name
            : null;
    }

    private HashSet<string>? FieldsToDrop(ChangeEvent change)
    {
        if (Options.DropFieldsHeaderName is not { } headerName)
        {
            return null;
        }

        foreach (var (name, value) in change.Headers)
        {
            if (name == headerName)
            {
                return ParseFieldList(value);
            }
        }

        return null;
    }

    private static HashSet<string> ParseFieldList(string value)
    {
        var trimmed = value.Trim();
        if (trimmed.StartsWith('['))
        {
            var names = JsonNode.Parse(trimmed)!.AsArray().Select(n => n!.GetValue<string>());
            return new HashSet<string>(names, StringComparer.Ordinal);
        }

        return new HashSet<string>(trimmed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
    }

    private (ChangeEvent Change, JsonObject Row) WithoutFields(ChangeEvent change, JsonObject row, HashSet<string> dropped)
    {
        bool Drops(ColumnSchema column) =>
            dropped.Contains(column.Name) && (column.Optional || !Options.DropFieldsKeepSchemaCompatible);

        var removed = change.Table.Columns.Where(Drops).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        if (removed.Count == 0)
        {
            return (change, row);
        }

        var table = change.Table with { Columns = [.. change.Table.Columns.Where(c => !removed.Contains(c.Name))] };
        var kept = new JsonObject();
        foreach (var (name, value) in row)
        {
            if (!removed.Contains(name))
            {
                kept[name] = value?.DeepClone();
            }
        }

        return (change with { Table = table }, kept);
    }

    private enum DeleteAction
    {
        Drop,
        NullRow,
        Rewrite,
        Tombstone,
    }

    /// <summary>The two Debezium option sets reduced to what they do.</summary>
    private readonly record struct DeletePlan(DeleteAction Delete, bool KeepTombstones, bool KeepTruncates)
    {
        public static DeletePlan From(ExtractNewRecordStateOptions options)
        {
            if (options.LegacyDeleteHandling is { } legacy)
            {
                var action = legacy.DeleteHandlingMode switch
                {
                    LegacyDeleteHandlingMode.Drop => DeleteAction.Drop,
                    LegacyDeleteHandlingMode.None => DeleteAction.NullRow,
                    _ => DeleteAction.Rewrite,
                };
                return new DeletePlan(action, KeepTombstones: !legacy.DropTombstones, KeepTruncates: !legacy.DropTombstones);
            }

            return options.DeleteTombstoneHandling switch
            {
                DeleteTombstoneHandlingMode.Drop => new DeletePlan(DeleteAction.Drop, false, false),
                DeleteTombstoneHandlingMode.Tombstone => new DeletePlan(DeleteAction.NullRow, false, false),
                DeleteTombstoneHandlingMode.Rewrite => new DeletePlan(DeleteAction.Rewrite, false, false),
                DeleteTombstoneHandlingMode.RewriteWithTombstone => new DeletePlan(DeleteAction.Rewrite, true, false),
                DeleteTombstoneHandlingMode.DeleteToTombstone => new DeletePlan(DeleteAction.Tombstone, false, false),
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.DeleteTombstoneHandling, "unknown delete.tombstone.handling.mode"),
            };
        }
    }
}
