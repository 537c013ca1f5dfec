using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Xunit;
using static Herald.Registry.Tests.Formats.Avro.AvroSchemas;

namespace Herald.Registry.Tests.Formats.Avro;

/// <summary>Verdicts in both directions: BACKWARD is <c>Diff(old, new)</c>, FORWARD is <c>Diff(new, old)</c>, as Confluent swaps the roles.</summary>
public sealed class AvroCompatibilityTests
{
    private static readonly Dictionary<string, string> NoReferences = [];

    public static TheoryData<string, string, string, bool, bool> Cases => new()
    {
        { "identical", User(Id), User(Id), true, true },
        { "add field with default", User(Id), User(Id, Field("email", "\"string\"", "\"\"")), true, true },
        { "add field without default", User(Id), User(Id, Field("email", "\"string\"")), false, true },
        { "remove field with default", User(Id, Field("email", "\"string\"", "\"\"")), User(Id), true, true },
        { "remove field without default", User(Id, Field("email", "\"string\"")), User(Id), true, false },
        { "int to long", User(Field("n", "\"int\"")), User(Field("n", "\"long\"")), true, false },
        { "long to int", User(Field("n", "\"long\"")), User(Field("n", "\"int\"")), false, true },
        { "int to double", User(Field("n", "\"int\"")), User(Field("n", "\"double\"")), true, false },
        { "float to double", User(Field("n", "\"float\"")), User(Field("n", "\"double\"")), true, false },
        { "int to string", User(Field("n", "\"int\"")), User(Field("n", "\"string\"")), false, false },
        { "string to bytes", User(Field("s", "\"string\"")), User(Field("s", "\"bytes\"")), true, true },
        { "bytes to string", User(Field("s", "\"bytes\"")), User(Field("s", "\"string\"")), true, true },
        { "T to [null, T]", User(Field("s", "\"string\"")), User(Field("s", """["null","string"]""", "null")), true, false },
        { "[null, T] to T", User(Field("s", """["null","string"]""", "null")), User(Field("s", "\"string\"")), false, true },
        { "add union branch", User(Field("u", """["null","string"]""")), User(Field("u", """["null","string","int"]""")), true, false },
        { "remove union branch", User(Field("u", """["null","string","int"]""")), User(Field("u", """["null","string"]""")), false, true },
        { "union branch promoted", User(Field("u", """["null","int"]""")), User(Field("u", """["null","long"]""")), true, false },
        { "add enum symbol", User(Field("c", Enum("\"RED\",\"GREEN\""))), User(Field("c", Enum("\"RED\",\"GREEN\",\"BLUE\""))), true, false },
        { "add enum symbol, enum has default", User(Field("c", Enum("\"RED\",\"GREEN\"", "RED"))), User(Field("c", Enum("\"RED\",\"GREEN\",\"BLUE\"", "RED"))), true, true },
        { "remove enum symbol, enum has default", User(Field("c", Enum("\"RED\",\"GREEN\",\"BLUE\"", "RED"))), User(Field("c", Enum("\"RED\",\"GREEN\"", "RED"))), true, true },
        { "add enum field without default, enum has default", User(Id), User(Id, Field("c", Enum("\"RED\"", "RED"))), true, true },
        { "rename field with alias", User(Field("mail", "\"string\"")), User("""{"name":"email","type":"string","aliases":["mail"]}"""), true, false },
        { "rename field without alias", User(Field("mail", "\"string\"")), User(Field("email", "\"string\"")), false, false },
        { "fixed size change", User(Field("h", """{"type":"fixed","name":"Hash","size":16}""")), User(Field("h", """{"type":"fixed","name":"Hash","size":32}""")), false, false },
        { "fixed renamed", User(Field("h", """{"type":"fixed","name":"Hash","size":16}""")), User(Field("h", """{"type":"fixed","name":"Digest","size":16}""")), false, false },
        { "nested record: field added without default", User(Field("address", Address(Field("street", "\"string\"")))), User(Field("address", Address(Field("street", "\"string\""), Field("city", "\"string\"")))), false, true },
        { "nested record: field added with default", User(Field("address", Address(Field("street", "\"string\"")))), User(Field("address", Address(Field("street", "\"string\""), Field("city", "\"string\"", "\"\"")))), true, true },
        { "array item promotion", User(Field("tags", """{"type":"array","items":"int"}""")), User(Field("tags", """{"type":"array","items":"long"}""")), true, false },
        { "map value change", User(Field("attrs", """{"type":"map","values":"int"}""")), User(Field("attrs", """{"type":"map","values":"string"}""")), false, false },
        { "array to map", User(Field("tags", """{"type":"array","items":"string"}""")), User(Field("tags", """{"type":"map","values":"string"}""")), false, false },
        { "recursive linked list unchanged", LinkedList("int"), LinkedList("int"), true, true },
        { "recursive linked list value promoted", LinkedList("int"), LinkedList("long"), true, false },
        { "namespace-only change", User(Id), User(Id).Replace("com.example", "org.example"), true, true },
        { "record renamed with alias", User(Id), """{"type":"record","name":"Person","namespace":"com.example","aliases":["com.example.User"],"fields":[{"name":"id","type":"long"}]}""", true, false },
        { "record renamed without alias", User(Id), """{"type":"record","name":"Person","namespace":"com.example","fields":[{"name":"id","type":"long"}]}""", false, false },
        { "logical type dropped", User(Field("d", """{"type":"int","logicalType":"date"}""")), User(Field("d", "\"int\"")), true, true },
        { "date to timestamp-millis", User(Field("d", """{"type":"int","logicalType":"date"}""")), User(Field("d", """{"type":"long","logicalType":"timestamp-millis"}""")), true, false },
        { "field order changed", User(Id, Field("a", "\"string\"")), User(Field("a", "\"string\""), Id), true, true },
        { "default changed", User(Field("a", "\"string\"", "\"x\"")), User(Field("a", "\"string\"", "\"y\"")), true, true },
        { "primitive root promotion", "\"int\"", "\"long\"", true, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdicts_in_both_directions(string name, string oldSchema, string newSchema, bool backward, bool forward)
    {
        var format = new AvroFormat();
        var old = format.Parse(oldSchema, NoReferences);
        var candidate = format.Parse(newSchema, NoReferences);

        var backwardDiff = format.Diff(old, candidate, CompatibilityPolicy.Strict, CancellationToken.None);
        var forwardDiff = format.Diff(candidate, old, CompatibilityPolicy.Strict, CancellationToken.None);

        Assert.True(backward == backwardDiff.All(d => d.IsCompatible), $"{name}: BACKWARD expected {backward}, got {string.Join("; ", backwardDiff)}");
        Assert.True(forward == forwardDiff.All(d => d.IsCompatible), $"{name}: FORWARD expected {forward}, got {string.Join("; ", forwardDiff)}");
    }
}
