using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Herald.Registry.Formats.Json;
using Herald.Registry.Formats.Protobuf;

namespace Herald.Server;

/// <summary>The schema formats <c>herald serve</c> and the <c>herald schema</c> commands install.</summary>
public static class SchemaFormatCatalog
{
    /// <summary>Avro, JSON Schema and Protobuf.</summary>
    public static IEnumerable<ISchemaFormat> All => [new AvroFormat(), new JsonSchemaFormat(), new ProtobufFormat()];
}
