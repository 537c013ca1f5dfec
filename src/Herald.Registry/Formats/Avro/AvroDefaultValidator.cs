using Avro;
using Newtonsoft.Json.Linq;
using AvroSchema = Avro.Schema;

namespace Herald.Registry.Formats.Avro;

/// <summary>Checks every field default against its field's type, as Avro Java does with default validation on; Apache.Avro does not.</summary>
/// <remarks>A union's default must match its first branch (the Avro specification).</remarks>
internal static class AvroDefaultValidator
{
    public static void Validate(AvroSchema root)
    {
        var visited = new HashSet<AvroSchema>(ReferenceEqualityComparer.Instance);
        Walk(root, AvroSchemaText.RootPath(root), visited);
    }

    private static void Walk(AvroSchema schema, string path, HashSet<AvroSchema> visited)
    {
        switch (schema)
        {
            case LogicalSchema logical:
                Walk(logical.BaseSchema, path, visited);
                break;
            case ArraySchema array:
                Walk(array.ItemSchema, path + "[]", visited);
                break;
            case MapSchema map:
                Walk(map.ValueSchema, path + "{}", visited);
                break;
            case UnionSchema union:
                foreach (var branch in union.Schemas)
                {
                    Walk(branch, path, visited);
                }

                break;
            case RecordSchema record when visited.Add(record):
                foreach (var field in record.Fields)
                {
                    var fieldPath = $"{path}.{field.Name}";
                    if (field.DefaultValue is { } value && !IsValid(field.Schema, value))
                    {
                        throw new InvalidSchemaException(
                            $"Invalid Avro schema: field '{fieldPath}' ({AvroSchemaText.Describe(field.Schema)}) has an invalid default {value.ToString(Newtonsoft.Json.Formatting.None)}.");
                    }

                    Walk(field.Schema, fieldPath, visited);
                }

                break;
        }
    }

    private static bool IsValid(AvroSchema schema, JToken value) => schema switch
    {
        LogicalSchema logical => IsValid(logical.BaseSchema, value),
        UnionSchema union => union.Count > 0 && IsValid(union.Schemas[0], value),
        EnumSchema enumSchema => value.Type == JTokenType.String && enumSchema.Contains(value.Value<string>()!),
        FixedSchema => value.Type == JTokenType.String,
        ArraySchema array => value is JArray items && items.All(item => IsValid(array.ItemSchema, item)),
        MapSchema map => value is JObject entries && entries.Properties().All(entry => IsValid(map.ValueSchema, entry.Value)),
        RecordSchema record => value is JObject fields && record.Fields.All(field =>
            fields.TryGetValue(field.Name, out var fieldValue) ? IsValid(field.Schema, fieldValue) : field.DefaultValue is not null),
        _ => IsValidPrimitive(schema.Tag, value),
    };

    private static bool IsValidPrimitive(AvroSchema.Type type, JToken value) => type switch
    {
        AvroSchema.Type.Null => value.Type == JTokenType.Null,
        AvroSchema.Type.Boolean => value.Type == JTokenType.Boolean,
        AvroSchema.Type.Int => value.Type == JTokenType.Integer && FitsIn(value, int.MinValue, int.MaxValue),
        AvroSchema.Type.Long => value.Type == JTokenType.Integer && FitsIn(value, long.MinValue, long.MaxValue),
        AvroSchema.Type.Float or AvroSchema.Type.Double => value.Type is JTokenType.Integer or JTokenType.Float
            || (value.Type == JTokenType.String && value.Value<string>() is "NaN" or "Infinity" or "-Infinity"),
        AvroSchema.Type.String or AvroSchema.Type.Bytes => value.Type == JTokenType.String,
        _ => false,
    };

    private static bool FitsIn(JToken value, long min, long max) => ((JValue)value).Value switch
    {
        long number => number >= min && number <= max,
        int number => number >= min && number <= max,
        System.Numerics.BigInteger number => number >= min && number <= max,
        _ => false,
    };
}
