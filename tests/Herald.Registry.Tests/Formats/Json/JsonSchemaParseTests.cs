using System.Text;
using Herald.Registry.Formats;
using Herald.Registry.Formats.Json;
using Xunit;

namespace Herald.Registry.Tests.Formats.Json;

public sealed class JsonSchemaParseTests
{
    private static readonly JsonSchemaFormat Format = new();

    public static TheoryData<string, string> InvalidSchemas => new()
    {
        { "{\"type\":\"object\",\n \"properties\": {\"a\": }", "line 2" },
        { """{"type":"strng"}""", "strng" },
        { """{"type":"object","properties":{"a":{"type":["string","nul"]}}}""", "#/properties/a" },
        { """{"type":"object","required":"x"}""", "'required'" },
        { """{"type":"object","properties":[]}""", "'properties'" },
        { """{"type":"string","maxLength":"10"}""", "'maxLength'" },
        { """{"type":"string","minLength":-1}""", "'minLength'" },
        { """{"type":"number","minimum":"0"}""", "'minimum'" },
        { """{"type":"string","pattern":"(unclosed"}""", "'pattern'" },
        { """{"oneOf":[]}""", "'oneOf'" },
        { """{"type":"object","properties":{"a":{"$ref":"#/definitions/missing"}}}""", "'#/definitions/missing' at #/properties/a" },
        { """{"type":"object","properties":{"a":{"$ref":"address.json"}}}""", "address.json" },
        { """{"$ref":"#"}""", "cycle" },
        { """{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}""", "cycle" },
        { "42", "object or a boolean" },
        { """{"type":"object","type":"string"}""", "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(InvalidSchemas))]
    public void Invalid_schema_is_rejected_with_a_pointed_message(string schema, string expectedInMessage)
    {
        var error = Assert.Throws<InvalidSchemaException>(() => Format.Parse(schema, JsonCompatibilityTests.NoReferences));
        Assert.Contains(expectedInMessage, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_rejected()
    {
        var schema = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            schema.Append("{\"not\":");
        }

        schema.Append("{}").Append('}', 300);
        var error = Assert.Throws<InvalidSchemaException>(() => Format.Parse(schema.ToString(), JsonCompatibilityTests.NoReferences));
        Assert.Contains("deep", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Canonical_form_ignores_key_order_and_whitespace()
    {
        var a = Format.Parse("""{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b","a"]}""", JsonCompatibilityTests.NoReferences);
        var b = Format.Parse("""
            {
              "required": ["b", "a"],
              "properties": { "b": { "type": "integer" }, "a": { "type": "string" } },
              "type": "object"
            }
            """, JsonCompatibilityTests.NoReferences);
        Assert.Equal(a.Canonical, b.Canonical);
        Assert.Equal("""{"properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b","a"],"type":"object"}""", a.Canonical);
        Assert.Equal(SchemaType.Json, a.Type);
    }

    [Fact]
    public void Boolean_schemas_parse()
    {
        Assert.Equal("true", Format.Parse("true", JsonCompatibilityTests.NoReferences).Canonical);
        Assert.Equal("false", Format.Parse(" false ", JsonCompatibilityTests.NoReferences).Canonical);
    }

    // The diff's cost is bounded by a step budget (SchemaDiff.MaxSteps), not by the clock: an exponential walk runs
    // out of steps and throws SchemaTooComplexException on any machine, so these tests demand the verdict itself.
    [Fact]
    public void Deeply_nested_oneOf_of_refs_gets_a_verdict_within_the_step_budget()
    {
        var (original, update) = (Format.Parse(NestedOneOf(30, "string"), JsonCompatibilityTests.NoReferences), Format.Parse(NestedOneOf(30, "integer"), JsonCompatibilityTests.NoReferences));

        var differences = Format.Diff(original, update, CompatibilityPolicy.Strict, default);

        Assert.Contains(differences, d => !d.IsCompatible);
        Assert.DoesNotContain(Format.Diff(original, original, CompatibilityPolicy.Strict, default), d => !d.IsCompatible);
    }

    [Fact]
    public void Ref_cycle_through_oneOf_gets_a_verdict_within_the_step_budget()
    {
        static string Cyclic(string leaf) =>
            "{\"definitions\":{" + string.Join(",", Enumerable.Range(0, 20).Select(i =>
                $"\"d{i}\":{{\"oneOf\":[{{\"$ref\":\"#/definitions/d{(i + 1) % 20}\"}},{{\"type\":\"object\",\"properties\":{{\"x\":{{\"$ref\":\"#/definitions/d{(i + 7) % 20}\"}},\"v\":{{\"type\":\"{leaf}\"}}}}}},{{\"type\":\"array\",\"items\":{{\"$ref\":\"#/definitions/d{(i + 3) % 20}\"}}}}]}}"))
            + "},\"$ref\":\"#/definitions/d0\"}";
        var original = Format.Parse(Cyclic("string"), JsonCompatibilityTests.NoReferences);
        var update = Format.Parse(Cyclic("integer"), JsonCompatibilityTests.NoReferences);

        var differences = Format.Diff(original, update, CompatibilityPolicy.Strict, default);

        Assert.Contains(differences, d => !d.IsCompatible);
        Assert.DoesNotContain(Format.Diff(original, original, CompatibilityPolicy.Strict, default), d => !d.IsCompatible);
    }

    [Fact]
    public async Task Very_long_reference_chain_gives_up_instead_of_overflowing_the_stack()
    {
        static string Chain(string leaf) =>
            "{\"definitions\":{" + string.Join(",", Enumerable.Range(0, 1500).Select(i => $"\"d{i}\":{{\"type\":\"object\",\"properties\":{{\"next\":{{\"$ref\":\"#/definitions/d{i + 1}\"}}}}}}"))
            + $",\"d1500\":{{\"type\":\"{leaf}\"}}}},\"$ref\":\"#/definitions/d0\"}}";
        var original = Format.Parse(Chain("string"), JsonCompatibilityTests.NoReferences);
        var update = Format.Parse(Chain("integer"), JsonCompatibilityTests.NoReferences);

        // A thread-pool thread, like an HTTP request, has a much smaller stack than the test runner's.
        await Assert.ThrowsAsync<SchemaTooComplexException>(() => Task.Run(() => Format.Diff(original, update, CompatibilityPolicy.Strict, default)));
    }

    [Fact]
    public void Cancellation_is_honoured()
    {
        var schema = Format.Parse(NestedOneOf(10, "string"), JsonCompatibilityTests.NoReferences);
        Assert.ThrowsAny<OperationCanceledException>(() => Format.Diff(schema, schema, CompatibilityPolicy.Strict, new CancellationToken(canceled: true)));
    }

    /// <summary>level i is oneOf over three shapes that each refer to level i+1; the last level is a plain type.</summary>
    private static string NestedOneOf(int depth, string leaf)
    {
        var definitions = Enumerable.Range(0, depth).Select(i =>
            $"\"l{i}\":{{\"oneOf\":[{{\"$ref\":\"#/definitions/l{i + 1}\"}},{{\"type\":\"object\",\"properties\":{{\"next\":{{\"$ref\":\"#/definitions/l{i + 1}\"}}}}}},{{\"type\":\"array\",\"items\":{{\"$ref\":\"#/definitions/l{i + 1}\"}}}}]}}");
        return "{\"definitions\":{" + string.Join(",", definitions) + $",\"l{depth}\":{{\"type\":\"{leaf}\"}}}},\"$ref\":\"#/definitions/l0\"}}";
    }
}
