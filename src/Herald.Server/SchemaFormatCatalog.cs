using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Herald.Registry.Formats.Protobuf;

namespace Herald.Server;

/// <summary>The schema formats <c>herald serve</c> installs.</summary>
public static class SchemaFormatCatalog
{
    public static IEnumerable<ISchemaFormat> All => [new AvroFormat(), new ProtobufFormat()];
}
