using System.Text.Json;
using Herald.Cdc.Model;

namespace Herald.Cdc.Serialization;

/// <summary>
/// Writes Kafka Connect schemas in <c>JsonConverter</c>'s JSON form (<c>{"type":…,"optional":…,"name":…,"field":…}</c>),
/// for the Debezium PostgreSQL key, value, source and envelope structs.
/// </summary>
internal static class ConnectSchemaWriter
{
    /// <summary>The values <c>source.snapshot</c> may take (<c>io.debezium.data.Enum</c> parameter <c>allowed</c>).</summary>
    public const string SnapshotValues = "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental";

    /// <summary>The record name of the source struct.</summary>
    public const string SourceSchemaName = "io.debezium.connector.postgresql.Source";

    /// <summary><c>&lt;prefix&gt;.&lt;schema&gt;.&lt;table&gt;</c> with characters Avro names reject replaced by <c>_</c>.</summary>
    public static string RecordNamePrefix(string topicPrefix, TableSchema table) =>
        AvroName(topicPrefix) + "." + AvroName(table.Schema) + "." + AvroName(table.Name);

    /// <summary>Replaces characters outside <c>[A-Za-z0-9_]</c> (and a leading digit) with <c>_</c>, as Debezium does for schema names.</summary>
    public static string AvroName(string name)
    {
        var clean = true;
        for (var i = 0; i < name.Length && clean; i++)
        {
            clean = IsAvroChar(name[i], i == 0);
        }

        if (clean)
        {
            return name;
        }

        return string.Create(name.Length, name, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = IsAvroChar(source[i], i == 0) ? source[i] : '_';
            }
        });
    }

    private static bool IsAvroChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c == '_' || (!first && char.IsAsciiDigit(c));

    /// <summary>The key struct: one required field per key column.</summary>
    public static void WriteKeySchema(Utf8JsonWriter writer, TableSchema table, string recordName)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "struct"u8);
        writer.WriteStartArray("fields"u8);
        foreach (var column in table.KeyColumns)
        {
            WriteColumn(writer, column with { Optional = false });
        }

        writer.WriteEndArray();
        writer.WriteBoolean("optional"u8, false);
        writer.WriteString("name"u8, recordName + ".Key");
        writer.WriteEndObject();
    }

    /// <summary>The row struct (<c>…Value</c>), optionally as a named field of an enclosing struct and with extra fields.</summary>
    public static void WriteValueSchema(
        Utf8JsonWriter writer, TableSchema table, string recordName, bool optional, string? field, IReadOnlyList<AddedField>? extraFields = null)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "struct"u8);
        writer.WriteStartArray("fields"u8);
        foreach (var column in table.Columns)
        {
            WriteColumn(writer, column);
        }

        if (extraFields is not null)
        {
            foreach (var extra in extraFields)
            {
                WritePrimitive(writer, extra.ConnectType, optional: true, extra.Name);
            }
        }

        writer.WriteEndArray();
        writer.WriteBoolean("optional"u8, optional);
        writer.WriteString("name"u8, recordName + ".Value");
        if (field is not null)
        {
            writer.WriteString("field"u8, field);
        }

        writer.WriteEndObject();
    }

    /// <summary>The whole envelope struct: before, after, source, op, ts_ms.</summary>
    public static void WriteEnvelopeSchema(Utf8JsonWriter writer, TableSchema table, string recordName)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "struct"u8);
        writer.WriteStartArray("fields"u8);
        WriteValueSchema(writer, table, recordName, optional: true, "before");
        WriteValueSchema(writer, table, recordName, optional: true, "after");
        WriteSourceSchema(writer);
        WritePrimitive(writer, "string", optional: false, "op");
        WritePrimitive(writer, "int64", optional: true, "ts_ms");
        writer.WriteEndArray();
        writer.WriteBoolean("optional"u8, false);
        writer.WriteString("name"u8, recordName + ".Envelope");
        writer.WriteEndObject();
    }

    private static void WriteSourceSchema(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "struct"u8);
        writer.WriteStartArray("fields"u8);
        WritePrimitive(writer, "string", optional: false, "version");
        WritePrimitive(writer, "string", optional: false, "connector");
        WritePrimitive(writer, "string", optional: false, "name");
        WritePrimitive(writer, "int64", optional: false, "ts_ms");
        writer.WriteStartObject();
        writer.WriteString("type"u8, "string"u8);
        writer.WriteBoolean("optional"u8, true);
        writer.WriteString("name"u8, "io.debezium.data.Enum"u8);
        writer.WriteNumber("version"u8, 1);
        writer.WriteStartObject("parameters"u8);
        writer.WriteString("allowed"u8, SnapshotValues);
        writer.WriteEndObject();
        writer.WriteString("default"u8, "false"u8);
        writer.WriteString("field"u8, "snapshot"u8);
        writer.WriteEndObject();
        WritePrimitive(writer, "string", optional: false, "db");
        WritePrimitive(writer, "string", optional: true, "sequence");
        WritePrimitive(writer, "string", optional: false, "schema");
        WritePrimitive(writer, "string", optional: false, "table");
        WritePrimitive(writer, "int64", optional: true, "txId");
        WritePrimitive(writer, "int64", optional: true, "lsn");
        WritePrimitive(writer, "int64", optional: true, "xmin");
        writer.WriteEndArray();
        writer.WriteBoolean("optional"u8, false);
        writer.WriteString("name"u8, SourceSchemaName);
        writer.WriteString("field"u8, "source"u8);
        writer.WriteEndObject();
    }

    private static void WritePrimitive(Utf8JsonWriter writer, string type, bool optional, string field)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteBoolean("optional"u8, optional);
        writer.WriteString("field"u8, field);
        writer.WriteEndObject();
    }

    /// <summary>One column as a struct field, with its logical-type name and Debezium's fixed sub-structs.</summary>
    public static void WriteColumn(Utf8JsonWriter writer, ColumnSchema column)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, column.ConnectType);
        if (column.ConnectType == "array")
        {
            writer.WriteStartObject("items"u8);
            writer.WriteString("type"u8, column.ElementConnectType ?? "string");
            writer.WriteBoolean("optional"u8, true);
            writer.WriteEndObject();
        }
        else if (column.ConnectType == "struct" && column.SemanticName is { } structName)
        {
            WriteKnownStructFields(writer, structName);
        }

        writer.WriteBoolean("optional"u8, column.Optional);
        if (column.SemanticName is { } name)
        {
            writer.WriteString("name"u8, name);

            // Every logical type Debezium and Connect define for PostgreSQL columns is at version 1.
            writer.WriteNumber("version"u8, 1);
        }

        writer.WriteString("field"u8, column.Name);
        writer.WriteEndObject();
    }

    private static void WriteKnownStructFields(Utf8JsonWriter writer, string structName)
    {
        writer.WriteStartArray("fields"u8);
        switch (structName)
        {
            case "io.debezium.data.geometry.Point":
                WritePrimitive(writer, "float64", optional: false, "x");
                WritePrimitive(writer, "float64", optional: false, "y");
                WritePrimitive(writer, "bytes", optional: true, "wkb");
                WritePrimitive(writer, "int32", optional: true, "srid");
                break;
            case "io.debezium.data.geometry.Geometry" or "io.debezium.data.geometry.Geography":
                WritePrimitive(writer, "bytes", optional: false, "wkb");
                WritePrimitive(writer, "int32", optional: true, "srid");
                break;
            case "io.debezium.data.VariableScaleDecimal":
                WritePrimitive(writer, "int32", optional: false, "scale");
                WritePrimitive(writer, "bytes", optional: false, "value");
                break;
        }

        writer.WriteEndArray();
    }
}
