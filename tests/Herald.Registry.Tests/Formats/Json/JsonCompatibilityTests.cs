using Herald.Registry.Formats;
using Herald.Registry.Formats.Json;
using Xunit;

namespace Herald.Registry.Tests.Formats.Json;

public sealed class JsonCompatibilityTests
{
    private static readonly JsonSchemaFormat Format = new();

    private const string OpenA = """{"type":"object","properties":{"a":{"type":"string"}}}""";
    private const string OpenAB = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}""";
    private const string ClosedA = """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}""";
    private const string ClosedAB = """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}""";

    /// <summary>Old schema, new schema, then BACKWARD and FORWARD verdicts under STRICT and under LENIENT.</summary>
    public static TheoryData<string, string, string, bool, bool, bool, bool> Cases => new()
    {
        { "optional property added to open model", OpenA, OpenAB, false, true, true, true },
        { "property with empty schema added to open model", OpenA, """{"type":"object","properties":{"a":{"type":"string"},"b":{}}}""", true, true, true, true },
        { "optional property added to closed model", ClosedA, ClosedAB, true, false, true, true },
        {
            "property matching additionalProperties added to partially open model",
            """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}""",
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":{"type":"string"}}""",
            true, true, true, true
        },
        {
            "property not matching additionalProperties added to partially open model",
            """{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":{"type":"string"}}""",
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"additionalProperties":{"type":"string"}}""",
            false, false, false, false
        },
        {
            "property matching patternProperties added",
            """{"type":"object","properties":{"a":{"type":"string"}},"patternProperties":{"^x_":{"type":"integer"}}}""",
            """{"type":"object","properties":{"a":{"type":"string"},"x_count":{"type":"integer"}},"patternProperties":{"^x_":{"type":"integer"}}}""",
            true, true, true, true
        },
        {
            "required property added to open model",
            OpenA,
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"]}""",
            false, true, false, true
        },
        {
            "required property without default added to closed model",
            ClosedA,
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"required":["b"],"additionalProperties":false}""",
            false, false, false, true
        },
        {
            "required property with default added to closed model",
            ClosedA,
            """{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string","default":"x"}},"required":["b"],"additionalProperties":false}""",
            true, false, true, true
        },
        { "property removed from open model", OpenAB, OpenA, true, false, true, true },
        { "property removed from closed model", ClosedAB, ClosedA, false, true, true, true },
        {
            "existing property becomes required",
            OpenA,
            """{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}""",
            false, true, false, true
        },
        { "additionalProperties false added", OpenA, ClosedA, false, true, true, true },
        { "string to integer", """{"type":"string"}""", """{"type":"integer"}""", false, false, false, false },
        { "integer to number", """{"type":"integer"}""", """{"type":"number"}""", true, false, true, false },
        { "null added to type array", """{"type":"string"}""", """{"type":["string","null"]}""", true, false, true, false },
        { "type array extended", """{"type":["string","null"]}""", """{"type":["string","null","integer"]}""", true, false, true, false },
        { "maxLength added", """{"type":"string"}""", """{"type":"string","maxLength":10}""", false, true, false, true },
        { "maxLength increased", """{"type":"string","maxLength":10}""", """{"type":"string","maxLength":20}""", true, false, true, false },
        { "maxLength decreased", """{"type":"string","maxLength":20}""", """{"type":"string","maxLength":10}""", false, true, false, true },
        { "minimum decreased", """{"type":"number","minimum":5}""", """{"type":"number","minimum":0}""", true, false, true, false },
        { "multipleOf reduced", """{"type":"number","multipleOf":10}""", """{"type":"number","multipleOf":5}""", true, false, true, false },
        { "pattern changed", """{"type":"string","pattern":"^a"}""", """{"type":"string","pattern":"^b"}""", false, false, false, false },
        { "enum extended", """{"type":"string","enum":["a","b"]}""", """{"type":"string","enum":["a","b","c"]}""", true, false, true, false },
        { "enum narrowed", """{"enum":["a","b","c"]}""", """{"enum":["a","b"]}""", false, true, false, true },
        { "enum reordered", """{"enum":["a","b"]}""", """{"enum":["b","a"]}""", true, true, true, true },
        { "const changed", """{"const":"a"}""", """{"const":"b"}""", false, false, false, false },
        {
            "oneOf branch added",
            """{"oneOf":[{"type":"string"},{"type":"integer"}]}""",
            """{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}""",
            true, false, true, false
        },
        {
            "oneOf branch removed",
            """{"oneOf":[{"type":"string"},{"type":"integer"},{"type":"boolean"}]}""",
            """{"oneOf":[{"type":"string"},{"type":"integer"}]}""",
            false, true, false, true
        },
        {
            "oneOf branches reordered",
            """{"oneOf":[{"type":"string"},{"type":"integer"}]}""",
            """{"oneOf":[{"type":"integer"},{"type":"string"}]}""",
            true, true, true, true
        },
        { "oneOf becomes anyOf", """{"oneOf":[{"type":"string"},{"type":"integer"}]}""", """{"anyOf":[{"type":"string"},{"type":"integer"}]}""", true, false, true, false },
        { "allOf member removed", """{"allOf":[{"type":"string"},{"maxLength":5}]}""", """{"allOf":[{"type":"string"}]}""", true, false, true, false },
        { "not narrowed", """{"not":{"type":["string","integer"]}}""", """{"not":{"type":"string"}}""", true, false, true, false },
        { "array items type changed", """{"type":"array","items":{"type":"string"}}""", """{"type":"array","items":{"type":"integer"}}""", false, false, false, false },
        { "uniqueItems added", """{"type":"array","items":{"type":"string"}}""", """{"type":"array","items":{"type":"string"},"uniqueItems":true}""", false, true, false, true },
        { "tuple item added to closed tuple", """{"type":"array","items":[{"type":"string"}],"additionalItems":false}""", """{"type":"array","items":[{"type":"string"},{"type":"integer"}],"additionalItems":false}""", true, false, true, false },
        { "maxItems removed", """{"type":"array","maxItems":3}""", """{"type":"array"}""", true, false, true, false },
        {
            "dependency array narrowed",
            """{"type":"object","dependencies":{"a":["b","c"]}}""",
            """{"type":"object","dependencies":{"a":["b"]}}""",
            true, false, true, false
        },
        {
            "$ref to definitions, target changed",
            """{"definitions":{"addr":{"type":"object","properties":{"city":{"type":"string"}}}},"type":"object","properties":{"address":{"$ref":"#/definitions/addr"}}}""",
            """{"definitions":{"addr":{"type":"object","properties":{"city":{"type":"integer"}}}},"type":"object","properties":{"address":{"$ref":"#/definitions/addr"}}}""",
            false, false, false, false
        },
        {
            "$ref target moved from definitions to $defs",
            """{"definitions":{"addr":{"type":"string"}},"type":"object","properties":{"address":{"$ref":"#/definitions/addr"}}}""",
            """{"$defs":{"location":{"type":"string"}},"type":"object","properties":{"address":{"$ref":"#/$defs/location"}}}""",
            true, true, true, true
        },
        {
            "keywords beside $ref are ignored, as in everit",
            """{"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s"}""",
            """{"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","maxLength":5}""",
            true, true, true, true
        },
        { "connect.type bytes on both sides", """{"type":"string","connect.type":"bytes"}""", """{"type":"number","connect.type":"bytes"}""", true, true, true, true },
        {
            "recursive schema, leaf widened",
            """{"type":"object","properties":{"id":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#"}}}}""",
            """{"type":"object","properties":{"id":{"type":"number"},"children":{"type":"array","items":{"$ref":"#"}}}}""",
            true, false, true, false
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdicts_match_Confluent(string name, string oldSchema, string newSchema, bool backwardStrict, bool forwardStrict, bool backwardLenient, bool forwardLenient)
    {
        var actual = (
            Compatible(oldSchema, newSchema, CompatibilityPolicy.Strict),
            Compatible(newSchema, oldSchema, CompatibilityPolicy.Strict),
            Compatible(oldSchema, newSchema, CompatibilityPolicy.Lenient),
            Compatible(newSchema, oldSchema, CompatibilityPolicy.Lenient));
        Assert.True(
            (backwardStrict, forwardStrict, backwardLenient, forwardLenient) == actual,
            $"{name}: expected {(backwardStrict, forwardStrict, backwardLenient, forwardLenient)}, got {actual}\n"
            + $"BACKWARD: {Describe(oldSchema, newSchema)}\nFORWARD: {Describe(newSchema, oldSchema)}");
    }

    [Fact]
    public void Referenced_schema_change_is_seen_through_the_reference()
    {
        const string customer = """{"type":"object","properties":{"address":{"$ref":"address.json"}}}""";
        var before = Format.Parse(customer, new Dictionary<string, string> { ["address.json"] = """{"type":"object","properties":{"city":{"type":"string"}}}""" });
        var after = Format.Parse(customer, new Dictionary<string, string> { ["address.json"] = """{"type":"object","properties":{"city":{"type":"string","maxLength":40}}}""" });

        var backward = Format.Diff(before, after, CompatibilityPolicy.Strict, default);
        var forward = Format.Diff(after, before, CompatibilityPolicy.Strict, default);

        var difference = Assert.Single(backward);
        Assert.Equal(("#/properties/address/properties/city/maxLength", "MAX_LENGTH_ADDED", false), (difference.Path, difference.Kind, difference.IsCompatible));
        Assert.All(forward, d => Assert.True(d.IsCompatible));
    }

    [Fact]
    public void Reference_relative_to_root_id_resolves()
    {
        var schema = Format.Parse(
            """{"$id":"https://example.com/schemas/customer.json","type":"object","properties":{"address":{"$ref":"address.json#/definitions/street"}}}""",
            new Dictionary<string, string> { ["https://example.com/schemas/address.json"] = """{"definitions":{"street":{"type":"string"}}}""" });
        Assert.Empty(Format.Diff(schema, schema, CompatibilityPolicy.Strict, default));
    }

    [Fact]
    public void Change_through_definitions_is_reported_at_the_use_site()
    {
        var differences = Diff(
            """{"definitions":{"addr":{"type":"object","properties":{"city":{"type":"string"}}}},"type":"object","properties":{"address":{"$ref":"#/definitions/addr"}}}""",
            """{"definitions":{"addr":{"type":"object","properties":{"city":{"type":"integer"}}}},"type":"object","properties":{"address":{"$ref":"#/definitions/addr"}}}""");
        var difference = Assert.Single(differences);
        Assert.Equal(("#/properties/address/properties/city", "TYPE_CHANGED"), (difference.Path, difference.Kind));
    }

    [Fact]
    public void Open_model_addition_explains_the_surprise()
    {
        var difference = Assert.Single(Diff(OpenA, """{"type":"object","properties":{"a":{"type":"string"},"nickname":{"type":"string"}}}"""));
        Assert.Equal(("#/properties/nickname", "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", false), (difference.Path, difference.Kind, difference.IsCompatible));
        Assert.Contains("'nickname'", difference.Message, StringComparison.Ordinal);
        Assert.Contains("additionalProperties:false", difference.Message, StringComparison.Ordinal);
        Assert.Contains("{}", difference.Message, StringComparison.Ordinal);
        Assert.Contains("LENIENT", difference.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lenient_marks_the_same_difference_compatible()
    {
        var difference = Assert.Single(Format.Diff(Format.Parse(OpenA, NoReferences), Format.Parse(OpenAB, NoReferences), CompatibilityPolicy.Lenient, default));
        Assert.Equal(("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", true), (difference.Kind, difference.IsCompatible));
    }

    [Fact]
    public void Identical_schemas_have_no_differences()
    {
        Assert.Empty(Diff(OpenAB, """{ "properties": { "b": {"type":"string"}, "a": {"type":"string"} }, "type": "object" }"""));
    }

    internal static readonly IReadOnlyDictionary<string, string> NoReferences = new Dictionary<string, string>();

    private static IReadOnlyList<SchemaDifference> Diff(string original, string update, CompatibilityPolicy policy = CompatibilityPolicy.Strict) =>
        Format.Diff(Format.Parse(original, NoReferences), Format.Parse(update, NoReferences), policy, default);

    private static bool Compatible(string original, string update, CompatibilityPolicy policy) =>
        Diff(original, update, policy).All(d => d.IsCompatible);

    private static string Describe(string original, string update) =>
        string.Join("; ", Diff(original, update).Select(d => $"{d.Kind} at {d.Path} ({(d.IsCompatible ? "ok" : "breaks")})"));
}
