using Herald.Registry.Formats;
using Herald.Registry.Formats.Protobuf;

namespace Herald.Registry.Tests.Formats.Protobuf;

internal static class ProtobufTestSchemas
{
    public static readonly ProtobufFormat Format = new();

    public static readonly IReadOnlyDictionary<string, string> NoReferences = new Dictionary<string, string>();

    public static ProtobufParsedSchema Parse(string schema, IReadOnlyDictionary<string, string>? references = null) =>
        Format.Parse(schema, references ?? NoReferences);

    /// <summary>Confluent's BACKWARD check: the new schema reads the old data, i.e. nothing incompatible in Diff(old, new).</summary>
    public static IReadOnlyList<SchemaDifference> Diff(ProtobufParsedSchema original, ProtobufParsedSchema update) =>
        Format.Diff(original, update, CompatibilityPolicy.Strict, CancellationToken.None);
}
