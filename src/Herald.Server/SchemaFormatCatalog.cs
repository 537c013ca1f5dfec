using Herald.Registry.Formats;

namespace Herald.Server;

/// <summary>The schema formats <c>herald serve</c> installs.</summary>
internal static class SchemaFormatCatalog
{
    public static IEnumerable<ISchemaFormat> All => [];
}
