using System.Text.Json;

namespace Herald.Registry.Formats.Json;

/// <summary>The type-specific keyword families.</summary>
internal sealed partial class JsonSchemaLoader
{
    private static StringNode LoadString(Scope scope) => new()
    {
        MinLength = scope.OptionalCount("minLength"),
        MaxLength = scope.OptionalCount("maxLength"),
        Pattern = scope.OptionalPattern("pattern"),
    };

    private static NumberNode LoadNumber(Scope scope, bool requiresInteger)
    {
        scope.OptionalString("format");
        var multipleOf = scope.OptionalNumber("multipleOf");
        if (multipleOf is <= 0)
        {
            throw scope.Invalid("multipleOf", "must be greater than 0");
        }

        return new NumberNode
        {
            RequiresInteger = requiresInteger,
            Minimum = scope.OptionalNumber("minimum"),
            Maximum = scope.OptionalNumber("maximum"),
            // Draft 4's boolean form only modifies minimum/maximum; Confluent does not compare it either.
            ExclusiveMinimum = scope.OptionalNumberOrBoolean("exclusiveMinimum"),
            ExclusiveMaximum = scope.OptionalNumberOrBoolean("exclusiveMaximum"),
            MultipleOf = multipleOf is null ? null : scope.Decimal("multipleOf"),
        };
    }

    private static ObjectNode LoadObject(Scope scope)
    {
        var node = new ObjectNode
        {
            MinProperties = scope.OptionalCount("minProperties"),
            MaxProperties = scope.OptionalCount("maxProperties"),
        };
        var element = scope.Element;

        if (element.TryGetProperty("properties", out var properties))
        {
            foreach (var (name, schema) in scope.SchemaMap("properties", properties))
            {
                node.Properties[name] = schema;
            }
        }

        if (element.TryGetProperty("required", out var required))
        {
            foreach (var name in scope.StringArray("required", required))
            {
                node.Required.Add(name);
            }
        }

        if (element.TryGetProperty("additionalProperties", out var additional))
        {
            switch (additional.ValueKind)
            {
                case JsonValueKind.False:
                    node.PermitsAdditionalProperties = false;
                    break;
                case JsonValueKind.True:
                    break;
                default:
                    node.AdditionalProperties = scope.Schema(additional, "additionalProperties");
                    break;
            }
        }

        if (element.TryGetProperty("patternProperties", out var patterns))
        {
            foreach (var (pattern, schema) in scope.SchemaMap("patternProperties", patterns))
            {
                node.PatternProperties.Add((scope.Regex("patternProperties", pattern), schema));
            }
        }

        if (element.TryGetProperty("dependencies", out var dependencies))
        {
            scope.Expect("dependencies", dependencies, JsonValueKind.Object, "an object");
            foreach (var dependency in dependencies.EnumerateObject())
            {
                if (dependency.Value.ValueKind == JsonValueKind.Array)
                {
                    node.PropertyDependencies[dependency.Name] = [.. scope.StringArray($"dependencies/{dependency.Name}", dependency.Value)];
                }
                else
                {
                    node.SchemaDependencies[dependency.Name] = scope.Schema(dependency.Value, "dependencies", dependency.Name);
                }
            }
        }

        if (element.TryGetProperty("dependentRequired", out var dependentRequired))
        {
            scope.Expect("dependentRequired", dependentRequired, JsonValueKind.Object, "an object");
            foreach (var dependency in dependentRequired.EnumerateObject())
            {
                node.PropertyDependencies[dependency.Name] = [.. scope.StringArray($"dependentRequired/{dependency.Name}", dependency.Value)];
            }
        }

        if (element.TryGetProperty("dependentSchemas", out var dependentSchemas))
        {
            foreach (var (name, schema) in scope.SchemaMap("dependentSchemas", dependentSchemas))
            {
                node.SchemaDependencies[name] = schema;
            }
        }

        if (element.TryGetProperty("propertyNames", out var propertyNames))
        {
            scope.Schema(propertyNames, "propertyNames");
        }

        if (element.TryGetProperty("unevaluatedProperties", out var unevaluated))
        {
            node.UnevaluatedProperties = scope.Schema(unevaluated, "unevaluatedProperties");
        }

        return node;
    }

    private static ArrayNode LoadArray(Scope scope)
    {
        var node = new ArrayNode
        {
            MinItems = scope.OptionalCount("minItems"),
            MaxItems = scope.OptionalCount("maxItems"),
            MinContains = scope.OptionalCount("minContains"),
            MaxContains = scope.OptionalCount("maxContains"),
            UniqueItems = scope.OptionalBoolean("uniqueItems") ?? false,
        };
        var element = scope.Element;

        var hasPrefix = element.TryGetProperty("prefixItems", out var prefixItems);
        if (hasPrefix)
        {
            node.ItemSchemas = scope.SchemaArray("prefixItems", prefixItems).Nodes;
        }

        if (element.TryGetProperty("items", out var items))
        {
            if (items.ValueKind == JsonValueKind.Array && !hasPrefix)
            {
                node.ItemSchemas = scope.SchemaArray("items", items).Nodes;
            }
            else if (hasPrefix)
            {
                // 2020-12: with prefixItems, "items" plays the role of additionalItems.
                SetAdditionalItems(scope, node, items, "items");
            }
            else
            {
                node.AllItems = scope.Schema(items, "items");
            }
        }

        if (element.TryGetProperty("additionalItems", out var additional))
        {
            SetAdditionalItems(scope, node, additional, "additionalItems");
        }

        if (element.TryGetProperty("contains", out var contains))
        {
            scope.Schema(contains, "contains");
        }

        if (element.TryGetProperty("unevaluatedItems", out var unevaluated))
        {
            node.UnevaluatedItems = scope.Schema(unevaluated, "unevaluatedItems");
        }

        return node;
    }

    private static void SetAdditionalItems(Scope scope, ArrayNode node, JsonElement value, string keyword)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.False:
                node.PermitsAdditionalItems = false;
                break;
            case JsonValueKind.True:
                break;
            default:
                node.AdditionalItems = scope.Schema(value, keyword);
                break;
        }
    }
}
