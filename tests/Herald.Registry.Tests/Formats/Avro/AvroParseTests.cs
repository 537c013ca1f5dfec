using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Xunit;
using static Herald.Registry.Tests.Formats.Avro.AvroSchemas;

namespace Herald.Registry.Tests.Formats.Avro;

/// <summary>Parsing, validation errors, canonical form and references.</summary>
public sealed class AvroParseTests
{
    private static readonly Dictionary<string, string> NoReferences = [];
    private readonly AvroFormat _format = new();

    public static TheoryData<string, string, string> InvalidSchemas => new()
    {
        { "syntax", """{"type":"record","name":"User","fields":[""", "not valid JSON" },
        { "empty", "  ", "empty" },
        { "unknown type", User(Field("email", "\"strin\"")), "strin" },
        { "unknown bare type", "\"strin\"", "strin" },
        { "string default for int", User(Field("age", "\"int\"", "\"forty\"")), "User.age" },
        { "int default out of range", User(Field("age", "\"int\"", "3000000000")), "User.age" },
        { "union default not matching first branch", User(Field("n", """["null","string"]""", "\"x\"")), "User.n" },
        { "nested default", User(Field("address", Address(Field("zip", "\"long\"", "true")))), "User.address.zip" },
        { "enum default not a symbol", User(Field("c", Enum("\"RED\""), "\"BLUE\"")), "User.c" },
        { "duplicate field", User(Field("a", "\"int\""), Field("a", "\"long\"")), "a" },
        { "duplicate key", """{"type":"record","type":"enum","name":"User","fields":[]}""", "'type' twice" },
        { "unresolved named type", User(Field("address", "\"com.example.Address\"")), "com.example.Address" },
        { "record without fields", """{"type":"record","name":"User"}""", "fields" },
    };

    [Theory]
    [MemberData(nameof(InvalidSchemas))]
    public void Invalid_schemas_say_where(string name, string schema, string expectedInMessage)
    {
        var error = Assert.Throws<InvalidSchemaException>(() => _format.Parse(schema, NoReferences));

        Assert.True(error.Message.Contains(expectedInMessage, StringComparison.Ordinal), $"{name}: {error.Message}");
    }

    [Fact]
    public void Parses_a_record()
    {
        var parsed = Assert.IsType<AvroParsedSchema>(_format.Parse(User(Id), NoReferences));

        Assert.Equal(SchemaType.Avro, parsed.Type);
        Assert.Equal("com.example.User", parsed.Name);
        Assert.Equal(User(Id), parsed.Original);
    }

    [Fact]
    public void Canonical_form_ignores_whitespace_and_key_order()
    {
        const string compact = """{"type":"record","name":"User","fields":[{"name":"id","type":"long","default":0}]}""";
        const string spaced = """
            {
              "fields": [ { "default": 0, "type": "long", "name": "id" } ],
              "name": "User",
              "type": "record"
            }
            """;

        Assert.Equal(_format.Parse(compact, NoReferences).Canonical, _format.Parse(spaced, NoReferences).Canonical);
        Assert.Equal("""{"fields":[{"default":0,"name":"id","type":"long"}],"name":"User","type":"record"}""", _format.Parse(spaced, NoReferences).Canonical);
    }

    [Fact]
    public void Canonical_form_keeps_field_order_defaults_and_docs()
    {
        string Canonical(string schema) => _format.Parse(schema, NoReferences).Canonical;

        Assert.NotEqual(Canonical(User(Field("a", "\"int\"", "1"))), Canonical(User(Field("a", "\"int\"", "2"))));
        Assert.NotEqual(Canonical(User(Id, Field("a", "\"int\""))), Canonical(User(Field("a", "\"int\""), Id)));
        Assert.NotEqual(Canonical(User(Id)), Canonical(User("""{"name":"id","type":"long","doc":"the id"}""")));
        Assert.NotEqual(Canonical(User(Id)), Canonical(User("""{"name":"id","type":"long","aliases":["key"]}""")));
    }

    [Fact]
    public void Named_types_come_from_references()
    {
        var references = new Dictionary<string, string>
        {
            ["com.example.Address"] = """{"type":"record","name":"Address","namespace":"com.example","fields":[{"name":"country","type":"com.example.Country"}]}""",
            ["com.example.Country"] = """{"type":"enum","name":"Country","namespace":"com.example","symbols":["NL","BE"]}""",
        };
        var schema = User(Id, Field("address", "\"com.example.Address\""));

        var parsed = Assert.IsType<AvroParsedSchema>(_format.Parse(schema, references));

        Assert.Contains("\"com.example.Address\"", parsed.Canonical);
        var update = _format.Parse(User(Id, Field("address", "\"Address\""), Field("country", "\"Country\"", "\"NL\"")), references);
        Assert.All(_format.Diff(parsed, update, CompatibilityPolicy.Strict, CancellationToken.None), d => Assert.True(d.IsCompatible, d.ToString()));
    }

    [Fact]
    public void A_schema_can_be_just_a_referenced_name()
    {
        var references = new Dictionary<string, string> { ["com.example.Color"] = """{"type":"enum","name":"Color","namespace":"com.example","symbols":["RED"]}""" };

        var parsed = Assert.IsType<AvroParsedSchema>(_format.Parse("\"com.example.Color\"", references));

        Assert.Equal("com.example.Color", parsed.Name);
    }

    [Fact]
    public void A_broken_reference_is_reported_by_name()
    {
        var references = new Dictionary<string, string> { ["com.example.Address"] = """{"type":"record","name":"Address","fields":[{"name":"x","type":"nope"}]}""" };

        var error = Assert.Throws<InvalidSchemaException>(() => _format.Parse(User(Id), references));

        Assert.Contains("com.example.Address", error.Message);
    }
}
