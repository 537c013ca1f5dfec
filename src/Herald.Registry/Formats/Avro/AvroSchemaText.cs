using Avro;
using Newtonsoft.Json.Linq;
using AvroSchema = Avro.Schema;

namespace Herald.Registry.Formats.Avro;

/// <summary>How Avro types and places are named in messages and paths, plus the few facts Apache.Avro does not expose directly.</summary>
internal static class AvroSchemaText
{
    /// <summary>Where a path starts: the top-level type's unqualified name, or its Avro type name.</summary>
    public static string RootPath(AvroSchema schema) => Unwrap(schema) switch
    {
        NamedSchema named => named.Name,
        var other => AvroSchema.GetTypeString(other.Tag),
    };

    public static AvroSchema Unwrap(AvroSchema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    public static string? LogicalTypeName(AvroSchema schema) => schema is LogicalSchema logical ? logical.LogicalTypeName : null;

    /// <summary>A short description: <c>string</c>, <c>long (timestamp-millis)</c>, <c>array&lt;string&gt;</c>, <c>record User</c>, <c>union [null, string]</c>.</summary>
    public static string Describe(AvroSchema schema) => Describe(schema, depth: 0);

    private static string Describe(AvroSchema schema, int depth) => schema switch
    {
        LogicalSchema logical => $"{Describe(logical.BaseSchema, depth)} ({logical.LogicalTypeName})",
        FixedSchema fixedSchema => $"fixed {fixedSchema.Name}({fixedSchema.Size})",
        NamedSchema named => $"{AvroSchema.GetTypeString(named.Tag)} {named.Name}",
        _ when depth > 3 => AvroSchema.GetTypeString(schema.Tag),
        ArraySchema array => $"array<{Describe(array.ItemSchema, depth + 1)}>",
        MapSchema map => $"map<{Describe(map.ValueSchema, depth + 1)}>",
        UnionSchema union => $"union [{string.Join(", ", union.Schemas.Select(branch => Describe(branch, depth + 1)))}]",
        _ => AvroSchema.GetTypeString(schema.Tag),
    };

    /// <summary>The full names a record, enum or fixed lists in <c>aliases</c>.</summary>
    /// <remarks>Apache.Avro keeps them private, but writes them, fully qualified, into the type's JSON.</remarks>
    public static IReadOnlyList<string> Aliases(NamedSchema schema)
    {
        var json = JObject.Parse(schema.ToString());
        return json["aliases"] is JArray aliases ? aliases.Select(alias => alias.Value<string>()!).ToList() : [];
    }

    public static string Symbols(IEnumerable<string> symbols) => string.Join(", ", symbols);
}
