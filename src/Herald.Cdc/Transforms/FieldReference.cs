using System.Globalization;
using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.Transforms;

/// <summary>
/// One <c>add.fields</c>/<c>add.headers</c> entry: <c>[struct.]field[:newName]</c>, resolved against a change event the
/// way Debezium resolves it (unqualified <c>op</c> and <c>ts_ms</c> are the envelope's, <c>id</c>/<c>total_order</c>/
/// <c>data_collection_order</c> the transaction block's, anything else <c>source</c>'s).
/// </summary>
/// <param name="Struct">The hosting struct (<c>source</c>, <c>transaction</c>, <c>before</c>, <c>after</c>), or null for the envelope.</param>
/// <param name="Field">The field name within it.</param>
/// <param name="OutputName">The name written: prefix + field, prefix + struct + <c>_</c> + field, or prefix + new name.</param>
internal sealed record FieldReference(string? Struct, string Field, string OutputName)
{
    public static FieldReference[] ParseAll(IReadOnlyList<string> specs, string prefix)
    {
        var references = new FieldReference[specs.Count];
        for (var i = 0; i < specs.Count; i++)
        {
            references[i] = Parse(specs[i], prefix);
        }

        return references;
    }

    public static FieldReference Parse(string spec, string prefix)
    {
        var parts = spec.Trim().Split(':');
        if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && parts[1].Length == 0))
        {
            throw new FormatException($"unexpected field reference '{spec}' (expected field, struct.field or field:newName)");
        }

        var path = parts[0].Split('.');
        if (path.Length > 2 || path.Any(p => p.Length == 0))
        {
            throw new FormatException($"unexpected field reference '{spec}' (expected field, struct.field or field:newName)");
        }

        var field = path.Length == 1 ? path[0] : path[1];
        var hostStruct = path.Length == 1 ? StructOf(field) : path[0];
        var output = parts.Length == 2 ? prefix + parts[1]
            : path.Length == 1 ? prefix + field
            : prefix + hostStruct + "_" + field;
        return new FieldReference(hostStruct, field, output);
    }

    private static string? StructOf(string field) => field switch
    {
        "id" or "total_order" or "data_collection_order" => "transaction",
        "op" or "ts_ms" or "ts_us" or "ts_ns" => null,
        _ => "source",
    };

    /// <summary>The field's value and Connect type, or false when the event has no such field.</summary>
    public bool TryResolve(ChangeEvent change, out JsonNode? value, out string connectType)
    {
        value = null;
        connectType = "string";
        switch (Struct)
        {
            case null:
                return ResolveEnvelope(change, out value, out connectType);
            case "source":
                return ResolveSource(change.Source, out value, out connectType);
            case "before" or "after":
                var row = Struct == "before" ? change.Before : change.After;
                var column = change.Table.Columns.FirstOrDefault(c => c.Name == Field);
                if (column is null)
                {
                    return false;
                }

                connectType = column.ConnectType;
                value = row is not null && row.TryGetPropertyValue(Field, out var cell) ? cell?.DeepClone() : null;
                return true;
            default:
                // The transaction block is not written by Herald's connector.
                return false;
        }
    }

    private bool ResolveEnvelope(ChangeEvent change, out JsonNode? value, out string connectType)
    {
        (value, connectType) = Field switch
        {
            "op" => (JsonValue.Create(change.Operation.ToCode()), "string"),
            "ts_ms" => (JsonValue.Create(change.TimestampMs), "int64"),
            _ => ((JsonNode?)null, "string"),
        };
        return Field is "op" or "ts_ms";
    }

    private bool ResolveSource(SourceInfo source, out JsonNode? value, out string connectType)
    {
        (value, connectType) = Field switch
        {
            "version" => (JsonValue.Create(source.Version), "string"),
            "connector" => (JsonValue.Create(SourceInfo.Connector), "string"),
            "name" => (JsonValue.Create(source.Name), "string"),
            "ts_ms" => (JsonValue.Create(source.TimestampMs), "int64"),
            "snapshot" => (JsonValue.Create(source.Snapshot), "string"),
            "db" => (JsonValue.Create(source.Database), "string"),
            "sequence" => (source.Sequence is null ? null : JsonValue.Create(source.Sequence), "string"),
            "schema" => (JsonValue.Create(source.Schema), "string"),
            "table" => (JsonValue.Create(source.Table), "string"),
            "txId" => (source.TransactionId is { } tx ? JsonValue.Create(tx) : null, "int64"),
            "lsn" => (JsonValue.Create(source.Lsn), "int64"),
            "xmin" => (source.Xmin is { } xmin ? JsonValue.Create(xmin) : null, "int64"),
            _ => ((JsonNode?)null, "string"),
        };
        return Field is "version" or "connector" or "name" or "ts_ms" or "snapshot" or "db" or "sequence" or "schema" or "table"
            or "txId" or "lsn" or "xmin";
    }

    /// <summary>A header value the way Connect's <c>SimpleHeaderConverter</c> renders a primitive.</summary>
    public static string? HeaderText(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        JsonValue v when v.TryGetValue<long>(out var number) => number.ToString(CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<ulong>(out var unsigned) => unsigned.ToString(CultureInfo.InvariantCulture),
        _ => value.ToJsonString(),
    };
}
