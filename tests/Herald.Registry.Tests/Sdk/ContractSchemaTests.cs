using System.Text.Json;
using Herald.Contracts;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Registry.Formats.Json;

namespace Herald.Registry.Tests.Sdk;

public sealed class ContractSchemaTests
{
    private static class V1
    {
        public sealed record OrderCreated(string OrderId, decimal Amount);
    }

    private static class V2
    {
        public sealed record OrderCreated(string OrderId, decimal Amount, string? Currency = null);
    }

    private static class V3
    {
        public sealed record OrderCreated(string OrderId, decimal Amount, string? Currency, string CustomerEmail);
    }

    private static class Pii
    {
        public sealed record CustomerRegistered(string CustomerId, [Pii] string Email, [property: Pii] string? Phone, Address Home);

        public sealed record Address(string City, [property: Pii] string Street);
    }

    private static class Unmarked
    {
        public sealed record CustomerRegistered(string CustomerId, string Email, string? Phone, Address Home);

        public sealed record Address(string City, string Street);
    }

    [Fact]
    public void Pii_properties_carry_the_pii_keyword_whether_the_attribute_is_on_the_parameter_or_the_property()
    {
        using var schema = JsonDocument.Parse(ContractSchema.GenerateJsonSchema<Pii.CustomerRegistered>());
        var properties = schema.RootElement.GetProperty("properties");

        static bool Marked(JsonElement property) => property.TryGetProperty(ContractSchema.PiiKeyword, out var pii) && pii.GetBoolean();

        Assert.True(Marked(properties.GetProperty("email")));
        Assert.True(Marked(properties.GetProperty("phone")));
        Assert.False(Marked(properties.GetProperty("customerId")));
        Assert.False(Marked(properties.GetProperty("home")));
        Assert.True(Marked(properties.GetProperty("home").GetProperty("properties").GetProperty("street")));
        Assert.False(Marked(properties.GetProperty("home").GetProperty("properties").GetProperty("city")));
    }

    [Fact]
    public void Marking_a_property_as_pii_is_compatible_both_ways()
    {
        var format = new JsonSchemaFormat();
        var none = new Dictionary<string, string>();
        var unmarked = format.Parse(ContractSchema.GenerateJsonSchema<Unmarked.CustomerRegistered>(), none);
        var marked = format.Parse(ContractSchema.GenerateJsonSchema<Pii.CustomerRegistered>(), none);
        var checker = new CompatibilityChecker(new SchemaFormats([format]));

        Assert.True(checker.Check(marked, [(1, unmarked)], CompatibilityLevel.FullTransitive).IsCompatible);
        Assert.True(checker.Check(unmarked, [(1, marked)], CompatibilityLevel.FullTransitive).IsCompatible);
    }

    [Fact]
    public void Contracts_get_a_closed_model_with_required_constructor_parameters()
    {
        using var schema = JsonDocument.Parse(ContractSchema.GenerateJsonSchema<V1.OrderCreated>());
        var root = schema.RootElement;
        Assert.Equal("object", root.GetProperty("type").GetString());
        Assert.False(root.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["orderId", "amount"], root.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("OrderCreated", root.GetProperty("title").GetString());
    }

    [Fact]
    public void Adding_an_optional_field_to_a_contract_is_backward_compatible_and_a_required_one_is_not()
    {
        var format = new JsonSchemaFormat();
        var formats = new SchemaFormats([format]);
        var none = new Dictionary<string, string>();
        var v1 = format.Parse(ContractSchema.GenerateJsonSchema<V1.OrderCreated>(), none);
        var v2 = format.Parse(ContractSchema.GenerateJsonSchema<V2.OrderCreated>(), none);
        var v3 = format.Parse(ContractSchema.GenerateJsonSchema<V3.OrderCreated>(), none);
        var checker = new CompatibilityChecker(formats);

        Assert.True(checker.Check(v2, [(1, v1)], CompatibilityLevel.Backward).IsCompatible);

        var result = checker.Check(v3, [(1, v1), (2, v2)], CompatibilityLevel.BackwardTransitive);
        Assert.False(result.IsCompatible);
        Assert.Contains(result.Violations, v => v.Path.Contains("customerEmail", StringComparison.Ordinal) && v.Rule.Contains("REQUIRED", StringComparison.Ordinal));
    }
}
