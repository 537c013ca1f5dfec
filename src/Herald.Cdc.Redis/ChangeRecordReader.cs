using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Redis;

/// <summary>
/// Reads the records Herald's CDC transforms write — unwrapped rows in every delete mode, with or without inline
/// schemas, and Debezium envelopes — back into row changes.
/// </summary>
internal static class ChangeRecordReader
{
    private const string DeletedField = "__deleted";
    private const string TableField = "__table";

    /// <summary>Interprets one record.</summary>
    /// <param name="key">The record key (the key struct as JSON).</param>
    /// <param name="value">The record value; null for a tombstone.</param>
    /// <param name="header">Looks up a header's value by name, or null.</param>
    /// <param name="lsnField">The row field or header name that carries the LSN.</param>
    public static RowChange Read(ReadOnlySpan<byte> key, byte[]? value, Func<string, string?> header, string lsnField)
    {
        if (key.IsEmpty || Payload(JsonNode.Parse(key)) is not JsonObject keyFields)
        {
            // Truncates and tables without a key cannot address a row.
            return RowChange.Ignore;
        }

        var headerLsn = ParseLsn(header(lsnField) is { } text ? JsonValue.Create(text) : null);
        if (value is null || value.Length == 0)
        {
            return new RowChange(RowChangeKind.Delete, keyFields, null, null, null, headerLsn);
        }

        var payload = Payload(JsonNode.Parse(value));
        if (payload is not JsonObject row)
        {
            // A null row: the unwrap transform's "tombstone" mode (JSON null, or a schema with a null payload).
            return new RowChange(RowChangeKind.Delete, keyFields, null, null, null, headerLsn);
        }

        if (IsEnvelope(row))
        {
            return FromEnvelope(keyFields, row, headerLsn);
        }

        var lsn = ParseLsn(row[lsnField]) ?? headerLsn;
        var table = row[TableField] is JsonValue t && t.GetValueKind() == JsonValueKind.String ? t.GetValue<string>() : null;
        var deleted = row[DeletedField] is JsonValue d && d.GetValueKind() == JsonValueKind.String && d.GetValue<string>() == "true";
        return new RowChange(deleted ? RowChangeKind.Delete : RowChangeKind.Upsert, keyFields, deleted ? null : row, null, table, lsn);
    }

    private static RowChange FromEnvelope(JsonObject key, JsonObject envelope, ulong? headerLsn)
    {
        var source = envelope["source"] as JsonObject;
        var lsn = ParseLsn(source?["lsn"]) ?? headerLsn;
        var schema = source?["schema"]?.GetValue<string>();
        var table = source?["table"]?.GetValue<string>();
        return envelope["op"]?.GetValue<string>() switch
        {
            "c" or "u" or "r" when envelope["after"] is JsonObject after => new RowChange(RowChangeKind.Upsert, key, after, schema, table, lsn),
            "d" => new RowChange(RowChangeKind.Delete, key, null, schema, table, lsn),
            _ => RowChange.Ignore,
        };
    }

    private static bool IsEnvelope(JsonObject row) =>
        row.ContainsKey("op") && row.ContainsKey("source") && row.ContainsKey("after") && row.ContainsKey("before");

    /// <summary>The payload of the JSON converter's <c>{"schema":…,"payload":…}</c> form, or the node itself.</summary>
    private static JsonNode? Payload(JsonNode? node) =>
        node is JsonObject { Count: 2 } wrapped && wrapped.ContainsKey("schema") && wrapped.TryGetPropertyValue("payload", out var payload)
            ? payload
            : node;

    private static ulong? ParseLsn(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<ulong>(out var number) => number,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<JsonElement>(out var element) && element.TryGetUInt64(out var parsed) => parsed,
        JsonValue v when v.GetValueKind() == JsonValueKind.String
            && ulong.TryParse(v.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var text) => text,
        _ => null,
    };

    /// <summary>A hash field value: strings as they are, everything else as its JSON text.</summary>
    public static string FieldText(JsonNode value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : value.ToJsonString();

    /// <summary>The UTF-8 text of a header value.</summary>
    public static string HeaderText(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
