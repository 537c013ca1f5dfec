namespace Herald.Registry.Formats;

/// <summary>The schema formats the registry understands; the wire names are Confluent's <c>schemaType</c> values.</summary>
public enum SchemaType
{
    /// <summary><c>AVRO</c>, the default when a request names no type.</summary>
    Avro,

    /// <summary><c>JSON</c>: JSON Schema.</summary>
    Json,

    /// <summary><c>PROTOBUF</c>: a <c>.proto</c> file.</summary>
    Protobuf,
}
