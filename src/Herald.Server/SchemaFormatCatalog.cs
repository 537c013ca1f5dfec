using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Herald.Registry.Formats.Protobuf;

namespace Herald.Server;

/// <summary>The schema formats <c>herald serve</c> installs; <c>herald schema check</c> and <c>diff</c> use the same ones.</summary>
public static class SchemaFormatCatalog
{
    /// <summary>Every installed format, one per <see cref="SchemaType"/>.</summary>
    public static IEnumerable<ISchemaFormat> All => [new AvroFormat(), new ProtobufFormat()];
}
