namespace Herald.Registry.Formats;

/// <summary>The formats a registry or checker knows, by <see cref="SchemaType"/>.</summary>
public sealed class SchemaFormats
{
    private readonly Dictionary<SchemaType, ISchemaFormat> _formats;

    public SchemaFormats(IEnumerable<ISchemaFormat> formats)
    {
        _formats = formats.ToDictionary(f => f.Type);
    }

    /// <summary>The format for <paramref name="type"/>.</summary>
    /// <exception cref="InvalidSchemaException">No such format is installed.</exception>
    public ISchemaFormat Get(SchemaType type) =>
        _formats.TryGetValue(type, out var format) ? format : throw new InvalidSchemaException($"schema type {ToWireName(type)} is not supported");

    /// <summary>Parses a schema with its format.</summary>
    public ParsedSchema Parse(SchemaType type, string schema, IReadOnlyDictionary<string, string> references) =>
        Get(type).Parse(schema, references);

    /// <summary>Confluent's <c>schemaType</c> name.</summary>
    public static string ToWireName(SchemaType type) => type switch
    {
        SchemaType.Avro => "AVRO",
        SchemaType.Json => "JSON",
        SchemaType.Protobuf => "PROTOBUF",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>Parses Confluent's <c>schemaType</c>; absent means AVRO.</summary>
    public static bool TryParseType(string? text, out SchemaType type)
    {
        type = SchemaType.Avro;
        switch (text?.Trim().ToUpperInvariant())
        {
            case null or "" or "AVRO": type = SchemaType.Avro; return true;
            case "JSON" or "JSONSCHEMA": type = SchemaType.Json; return true;
            case "PROTOBUF" or "PROTO": type = SchemaType.Protobuf; return true;
            default: return false;
        }
    }

    /// <summary>The format a file's extension implies: <c>.avsc</c>, <c>.json</c>, <c>.proto</c>.</summary>
    public static SchemaType? TypeFromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".avsc" or ".avro" => SchemaType.Avro,
        ".json" => SchemaType.Json,
        ".proto" => SchemaType.Protobuf,
        _ => null,
    };
}
