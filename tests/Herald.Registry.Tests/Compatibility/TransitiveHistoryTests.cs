using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Server;

namespace Herald.Registry.Tests.Compatibility;

/// <summary>Every level on a three-version history where only the oldest version conflicts with the candidate.</summary>
public sealed class TransitiveHistoryTests
{
    private static readonly SchemaFormats Formats = new(SchemaFormatCatalog.All);

    // v3 agrees with v2 but not with v1: only transitive levels look far enough back to see it.
    private static readonly Dictionary<SchemaType, string[]> Histories = new()
    {
        [SchemaType.Avro] =
        [
            """{"type":"record","name":"User","fields":[{"name":"id","type":"string"}]}""",
            """{"type":"record","name":"User","fields":[{"name":"id","type":"string"},{"name":"email","type":["null","string"],"default":null}]}""",
            """{"type":"record","name":"User","fields":[{"name":"id","type":"string"},{"name":"email","type":["null","string"]}]}""",
        ],
        [SchemaType.Protobuf] =
        [
            "syntax = \"proto3\";\nmessage User {\n  string id = 1;\n  string email = 2;\n}\n",
            "syntax = \"proto3\";\nmessage User {\n  string id = 1;\n}\n",
            "syntax = \"proto3\";\nmessage User {\n  string id = 1;\n  int32 age = 2;\n}\n",
        ],
        [SchemaType.Json] =
        [
            """{"type":"object","properties":{"a":{"type":"string"}}}""",
            """{"type":"object","properties":{}}""",
            """{"type":"object","properties":{"a":{"type":"integer"}}}""",
        ],
    };

    public static TheoryData<SchemaType, CompatibilityLevel, bool> Cases() => new()
    {
        { SchemaType.Avro, CompatibilityLevel.None, true },
        { SchemaType.Avro, CompatibilityLevel.Backward, true },
        { SchemaType.Avro, CompatibilityLevel.BackwardTransitive, false },
        { SchemaType.Avro, CompatibilityLevel.Forward, true },
        { SchemaType.Avro, CompatibilityLevel.ForwardTransitive, true },
        { SchemaType.Avro, CompatibilityLevel.Full, true },
        { SchemaType.Avro, CompatibilityLevel.FullTransitive, false },
        { SchemaType.Protobuf, CompatibilityLevel.None, true },
        { SchemaType.Protobuf, CompatibilityLevel.Backward, true },
        { SchemaType.Protobuf, CompatibilityLevel.BackwardTransitive, false },
        { SchemaType.Protobuf, CompatibilityLevel.Forward, true },
        { SchemaType.Protobuf, CompatibilityLevel.ForwardTransitive, false },
        { SchemaType.Protobuf, CompatibilityLevel.Full, true },
        { SchemaType.Protobuf, CompatibilityLevel.FullTransitive, false },
        { SchemaType.Json, CompatibilityLevel.None, true },
        { SchemaType.Json, CompatibilityLevel.Backward, true },
        { SchemaType.Json, CompatibilityLevel.BackwardTransitive, false },
        { SchemaType.Json, CompatibilityLevel.Forward, true },
        { SchemaType.Json, CompatibilityLevel.ForwardTransitive, false },
        { SchemaType.Json, CompatibilityLevel.Full, true },
        { SchemaType.Json, CompatibilityLevel.FullTransitive, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Only_transitive_levels_see_the_conflict_with_the_oldest_version(SchemaType type, CompatibilityLevel level, bool compatible)
    {
        var none = new Dictionary<string, string>();
        var history = Histories[type];
        var previous = new List<(int, ParsedSchema)>
        {
            (1, Formats.Parse(type, history[0], none)),
            (2, Formats.Parse(type, history[1], none)),
        };
        var candidate = Formats.Parse(type, history[2], none);

        // JSON Schema needs the lenient policy here: under STRICT, adding a property to an open model already fails against v2.
        var policy = type == SchemaType.Json ? CompatibilityPolicy.Lenient : CompatibilityPolicy.Strict;
        var result = new CompatibilityChecker(Formats).Check(candidate, previous, level, policy);

        Assert.Equal(compatible, result.IsCompatible);
        if (!compatible)
        {
            Assert.All(result.Violations, v => Assert.Equal(1, v.Version));
        }
    }
}
