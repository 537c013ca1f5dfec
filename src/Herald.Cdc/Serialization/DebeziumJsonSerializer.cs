using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.Serialization;

/// <summary>
/// Writes change events as Kafka Connect's <c>JsonConverter</c> writes Debezium's PostgreSQL records: the key struct
/// (<c>{"id":1}</c>), the value envelope (<c>before</c>, <c>after</c>, <c>source</c>, <c>op</c>, <c>ts_ms</c>) and the
/// flattened row of the unwrap transform, each with or without the inline <c>schema</c>.
/// </summary>
/// <remarks>
/// <para>Rows are written in the table's column order with every column present, as the converter writes a Connect
/// struct. A column the change did not carry (e.g. a non-key column in a <c>before</c> under <c>REPLICA IDENTITY
/// DEFAULT</c>) is <c>null</c> when it is optional and, when it is required, the fallback Debezium writes for its type
/// (<c>""</c>, <c>0</c>, …; see <see cref="RequiredColumnFallback"/>), so the record fits its schema. Column values are
/// copied as they are: the connector already mapped them to Debezium's JSON representation.</para>
/// <para>One pooled <see cref="Utf8JsonWriter"/> per thread writes each record; the inline schemas of a table are
/// rendered once per <see cref="TableSchema"/> instance and copied. The class is thread-safe.</para>
/// <para><c>source.snapshot</c> is written as the <c>io.debezium.data.Enum</c> string Debezium 2.x emits
/// (<c>"true"</c>, <c>"last"</c>, <c>"false"</c>, …); the microsecond and nanosecond <c>ts_us</c>/<c>ts_ns</c> fields
/// and the <c>transaction</c> block are not written.</para>
/// </remarks>
public sealed class DebeziumJsonSerializer
{
    private readonly ConditionalWeakTable<TableSchema, CachedSchemas> _schemas = new();

    /// <summary>Creates a serializer.</summary>
    /// <param name="options">Converter settings; <see cref="DebeziumJsonOptions.Default"/> when null.</param>
    public DebeziumJsonSerializer(DebeziumJsonOptions? options = null)
    {
        Options = options ?? DebeziumJsonOptions.Default;
    }

    /// <summary>The converter settings.</summary>
    public DebeziumJsonOptions Options { get; }

    /// <summary>The record key: the key struct, or null when the change has no key (truncate, table without a key).</summary>
    /// <param name="change">The change.</param>
    public byte[]? SerializeKey(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Key is null)
        {
            return null;
        }

        return WithOptionalSchema(SchemasOrNull(change)?.Key, change, static (writer, change) => WriteKey(writer, change));
    }

    /// <summary>The record value: Debezium's change envelope.</summary>
    /// <param name="change">The change.</param>
    public byte[] SerializeEnvelope(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return WithOptionalSchema(SchemasOrNull(change)?.Envelope, change, static (writer, change) => WriteEnvelope(writer, change));
    }

    // The JSON converter's two forms: the payload alone (schemas off), or {"schema": …, "payload": …}.
    private static byte[] WithOptionalSchema(byte[]? schema, ChangeEvent change, Action<Utf8JsonWriter, ChangeEvent> payload) =>
        PooledJsonWriter.Write((schema, change, payload), static (writer, state) =>
        {
            var (schema, change, payload) = state;
            if (schema is null)
            {
                payload(writer, change);
                return;
            }

            writer.WriteStartObject();
            writer.WritePropertyName("schema"u8);
            writer.WriteRawValue(schema, skipInputValidation: true);
            writer.WritePropertyName("payload"u8);
            payload(writer, change);
            writer.WriteEndObject();
        });

    /// <summary>
    /// A flattened row (the unwrap transform's value): the columns of <paramref name="row"/> in table order, then
    /// <paramref name="addedFields"/>; with schemas on, under the table's <c>…Value</c> schema extended by those fields.
    /// </summary>
    /// <param name="change">The change the row comes from (table layout and topic prefix).</param>
    /// <param name="row">The row: <c>after</c>, or <c>before</c> for a rewritten delete.</param>
    /// <param name="addedFields">Fields to append, e.g. <c>__deleted</c>, <c>__op</c>.</param>
    public byte[] SerializeRow(ChangeEvent change, JsonObject row, IReadOnlyList<AddedField> addedFields)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(addedFields);
        return PooledJsonWriter.Write((SchemasOrNull(change)?.Value, change, row, addedFields), static (writer, state) =>
        {
            var (schema, change, row, addedFields) = state;
            if (schema is not null)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("schema"u8);
                if (addedFields.Count == 0)
                {
                    writer.WriteRawValue(schema, skipInputValidation: true);
                }
                else
                {
                    var recordName = ConnectSchemaWriter.RecordNamePrefix(change.Source.Name, change.Table);
                    ConnectSchemaWriter.WriteValueSchema(writer, change.Table, recordName, optional: true, field: null, addedFields);
                }

                writer.WritePropertyName("payload"u8);
                WriteRow(writer, change.Table, row, addedFields);
                writer.WriteEndObject();
            }
            else
            {
                WriteRow(writer, change.Table, row, addedFields);
            }
        });
    }

    /// <summary>
    /// The value of a flattened delete in the unwrap transform's <c>tombstone</c> mode: the row is null but its schema is
    /// kept, so the converter writes JSON <c>null</c> (or <c>{"schema":…,"payload":null}</c>), not a Kafka tombstone.
    /// </summary>
    /// <param name="change">The change the row comes from.</param>
    /// <remarks>This is what Kafka Connect's <c>JsonConverter</c> does with a null value that has a schema; only a
    /// value without a schema (<c>delete-to-tombstone</c>, Debezium's own tombstone) becomes a null record value.</remarks>
    public byte[] SerializeNullRow(ChangeEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return PooledJsonWriter.Write(SchemasOrNull(change)?.Value, static (writer, schema) =>
        {
            if (schema is null)
            {
                writer.WriteNullValue();
                return;
            }

            writer.WriteStartObject();
            writer.WritePropertyName("schema"u8);
            writer.WriteRawValue(schema, skipInputValidation: true);
            writer.WriteNull("payload"u8);
            writer.WriteEndObject();
        });
    }

    private static void WriteKey(Utf8JsonWriter writer, ChangeEvent change)
    {
        var key = change.Key!;
        writer.WriteStartObject();
        var written = 0;
        foreach (var column in change.Table.Columns)
        {
            if (column.IsKey)
            {
                writer.WritePropertyName(column.Name);
                WriteNode(writer, key.TryGetPropertyValue(column.Name, out var value) ? value : null);
                written++;
            }
        }

        if (written == 0)
        {
            // No key columns in the layout (message.key.columns or a unique index chosen by the connector): the
            // connector's key object is the key.
            foreach (var (name, value) in key)
            {
                writer.WritePropertyName(name);
                WriteNode(writer, value);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteEnvelope(Utf8JsonWriter writer, ChangeEvent change)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("before"u8);
        WriteRowOrNull(writer, change.Table, change.Before);
        writer.WritePropertyName("after"u8);
        WriteRowOrNull(writer, change.Table, change.After);
        writer.WritePropertyName("source"u8);
        WriteSource(writer, change.Source);
        writer.WriteString("op"u8, change.Operation.ToCode());
        writer.WriteNumber("ts_ms"u8, change.TimestampMs);
        writer.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter writer, SourceInfo source)
    {
        writer.WriteStartObject();
        writer.WriteString("version"u8, source.Version);
        writer.WriteString("connector"u8, SourceInfo.Connector);
        writer.WriteString("name"u8, source.Name);
        writer.WriteNumber("ts_ms"u8, source.TimestampMs);
        writer.WriteString("snapshot"u8, source.Snapshot);
        writer.WriteString("db"u8, source.Database);
        WriteStringOrNull(writer, "sequence"u8, source.Sequence);
        writer.WriteString("schema"u8, source.Schema);
        writer.WriteString("table"u8, source.Table);
        WriteNumberOrNull(writer, "txId"u8, source.TransactionId);
        writer.WriteNumber("lsn"u8, source.Lsn);
        WriteNumberOrNull(writer, "xmin"u8, source.Xmin);
        writer.WriteEndObject();
    }

    private static void WriteRowOrNull(Utf8JsonWriter writer, TableSchema table, JsonObject? row)
    {
        if (row is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            WriteRow(writer, table, row, []);
        }
    }

    private static void WriteRow(Utf8JsonWriter writer, TableSchema table, JsonObject row, IReadOnlyList<AddedField> addedFields)
    {
        writer.WriteStartObject();
        var matched = 0;
        foreach (var column in table.Columns)
        {
            writer.WritePropertyName(column.Name);
            var present = row.TryGetPropertyValue(column.Name, out var value);
            if (present)
            {
                matched++;
            }

            if (value is null && !column.Optional)
            {
                RequiredColumnFallback.Write(writer, column);
            }
            else
            {
                WriteNode(writer, value);
            }
        }

        if (matched < row.Count)
        {
            // Columns the layout does not know (it lags a schema change): keep them rather than lose data.
            foreach (var (name, value) in row)
            {
                if (!HasColumn(table, name))
                {
                    writer.WritePropertyName(name);
                    WriteNode(writer, value);
                }
            }
        }

        foreach (var field in addedFields)
        {
            writer.WritePropertyName(field.Name);
            WriteNode(writer, field.Value);
        }

        writer.WriteEndObject();
    }

    private static bool HasColumn(TableSchema table, string name)
    {
        foreach (var column in table.Columns)
        {
            if (column.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }

    private static void WriteStringOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private CachedSchemas? SchemasOrNull(ChangeEvent change)
    {
        if (!Options.SchemasEnabled)
        {
            return null;
        }

        var prefix = change.Source.Name;
        if (_schemas.TryGetValue(change.Table, out var cached) && cached.Prefix == prefix)
        {
            return cached;
        }

        cached = CachedSchemas.Render(change.Table, prefix);
        _schemas.AddOrUpdate(change.Table, cached);
        return cached;
    }

    /// <summary>The inline schemas of one table under one topic prefix, rendered once.</summary>
    private sealed record CachedSchemas(string Prefix, byte[] Key, byte[] Value, byte[] Envelope)
    {
        public static CachedSchemas Render(TableSchema table, string prefix)
        {
            var recordName = ConnectSchemaWriter.RecordNamePrefix(prefix, table);
            var key = PooledJsonWriter.Write((table, recordName), static (w, s) => ConnectSchemaWriter.WriteKeySchema(w, s.table, s.recordName));
            var value = PooledJsonWriter.Write((table, recordName), static (w, s) =>
                ConnectSchemaWriter.WriteValueSchema(w, s.table, s.recordName, optional: true, field: null));
            var envelope = PooledJsonWriter.Write((table, recordName), static (w, s) => ConnectSchemaWriter.WriteEnvelopeSchema(w, s.table, s.recordName));
            return new CachedSchemas(prefix, key, value, envelope);
        }
    }
}
