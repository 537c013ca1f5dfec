using System.Text.Json;

namespace Herald.Registry.Formats.Json;

/// <summary>Building nodes the way everit's extractors do: each keyword family contributes a part, several parts form a synthetic allOf.</summary>
internal sealed partial class JsonSchemaLoader
{
    private static readonly string[] ObjectKeywords =
        ["properties", "required", "additionalProperties", "patternProperties", "dependencies", "dependentRequired", "dependentSchemas", "minProperties", "maxProperties", "propertyNames", "unevaluatedProperties"];

    private static readonly string[] ArrayKeywords =
        ["items", "prefixItems", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains", "minContains", "maxContains", "unevaluatedItems"];

    private static readonly string[] NumberKeywords = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

    private static readonly string[] StringKeywords = ["minLength", "maxLength", "pattern", "format"];

    private static readonly HashSet<string> TypeNames = new(StringComparer.Ordinal)
    {
        "string", "number", "integer", "object", "array", "boolean", "null",
    };

    private SchemaNode LoadSchema(Document document, JsonElement element, List<string> path, int depth)
    {
        var key = document.Name + Pointer(path);
        if (_nodes.TryGetValue(key, out var existing))
        {
            return existing;
        }

        if (depth > MaxSchemaDepth)
        {
            throw new InvalidSchemaException($"Schema nesting deeper than {MaxSchemaDepth} levels at {Location(document, path)}.");
        }

        var node = element.ValueKind switch
        {
            JsonValueKind.True => new EmptyNode(),
            JsonValueKind.False => new FalseNode(),
            JsonValueKind.Object => LoadObjectSchema(new Scope(this, document, element, path, depth)),
            _ => throw new InvalidSchemaException(
                $"Expected a schema (an object or a boolean) at {Location(document, path)}, found {Describe(element)}."),
        };
        _nodes[key] = node;
        return node;
    }

    private SchemaNode LoadObjectSchema(Scope scope)
    {
        var parts = new List<SchemaNode>();
        var element = scope.Element;

        // Like everit (drafts 4-7), a $ref replaces its sibling keywords.
        if (element.TryGetProperty("$ref", out var reference))
        {
            scope.Expect("$ref", reference, JsonValueKind.String, "a string");
            var node = new ReferenceNode(reference.GetString()!, Location(scope.Document, scope.Path));
            _pendingReferences.Enqueue((node, scope.Document));
            parts.Add(node);
        }
        else
        {
            LoadAssertions(scope, parts);
        }

        // Validated (and registered for local $refs) even when nothing references them.
        foreach (var keyword in new[] { "definitions", "$defs" })
        {
            if (element.TryGetProperty(keyword, out var definitions))
            {
                scope.SchemaMap(keyword, definitions);
            }
        }

        var result = parts.Count switch
        {
            0 => new EmptyNode(),
            1 => parts[0],
            _ => new CombinedNode(Criterion.AllOf, parts, parts.Select((_, i) => $"synthetic:{i}").ToList()),
        };
        LoadAnnotations(scope, result);
        return result;
    }

    private void LoadAssertions(Scope scope, List<SchemaNode> parts)
    {
        var element = scope.Element;
        if (element.TryGetProperty("enum", out var enumValues))
        {
            scope.Expect("enum", enumValues, JsonValueKind.Array, "an array");
            var node = new EnumNode();
            foreach (var value in enumValues.EnumerateArray())
            {
                node.Values.Add(JsonCanonicalizer.Canonicalize(value));
            }

            parts.Add(node);
        }

        foreach (var (keyword, criterion) in new[] { ("allOf", Criterion.AllOf), ("anyOf", Criterion.AnyOf), ("oneOf", Criterion.OneOf) })
        {
            if (element.TryGetProperty(keyword, out var subschemas))
            {
                var (nodes, texts) = scope.SchemaArray(keyword, subschemas);
                parts.Add(new CombinedNode(criterion, nodes, texts));
            }
        }

        if (element.TryGetProperty("not", out var not))
        {
            parts.Add(new NotNode(scope.Schema(not, "not")));
        }

        if (element.TryGetProperty("const", out var constValue))
        {
            parts.Add(new ConstNode(JsonCanonicalizer.Canonicalize(constValue)));
        }

        if (element.TryGetProperty("type", out var type))
        {
            parts.Add(LoadTyped(scope, type));
        }
        else
        {
            if (HasAny(element, ObjectKeywords))
            {
                parts.Add(LoadObject(scope));
            }

            if (HasAny(element, ArrayKeywords))
            {
                parts.Add(LoadArray(scope));
            }

            if (HasAny(element, NumberKeywords))
            {
                parts.Add(LoadNumber(scope, requiresInteger: false));
            }

            if (HasAny(element, StringKeywords))
            {
                parts.Add(LoadString(scope));
            }
        }

        if (element.TryGetProperty("if", out _) || element.TryGetProperty("then", out _) || element.TryGetProperty("else", out _))
        {
            foreach (var keyword in new[] { "if", "then", "else" })
            {
                if (element.TryGetProperty(keyword, out var conditional))
                {
                    scope.Schema(conditional, keyword);
                }
            }

            parts.Add(new ConditionalNode());
        }
    }

    private SchemaNode LoadTyped(Scope scope, JsonElement type)
    {
        if (type.ValueKind == JsonValueKind.String)
        {
            return LoadForType(scope, scope.TypeName(type));
        }

        if (type.ValueKind != JsonValueKind.Array || type.GetArrayLength() == 0)
        {
            throw scope.Invalid("type", $"must be a type name or a non-empty array of type names, found {Describe(type)}");
        }

        var names = type.EnumerateArray().Select(scope.TypeName).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw scope.Invalid("type", "lists a type twice");
        }

        // everit reads ["string","null"] as anyOf [string, null]: a sum type.
        var nodes = names.Select(name => LoadForType(scope, name)).ToList();
        return new CombinedNode(Criterion.AnyOf, nodes, names);
    }

    private SchemaNode LoadForType(Scope scope, string name) => name switch
    {
        "string" => LoadString(scope),
        "number" => LoadNumber(scope, requiresInteger: false),
        "integer" => LoadNumber(scope, requiresInteger: true),
        "object" => LoadObject(scope),
        "array" => LoadArray(scope),
        "boolean" => new BooleanNode(),
        _ => new NullNode(),
    };

    private static void LoadAnnotations(Scope scope, SchemaNode node)
    {
        node.Id = scope.OptionalString("$id") ?? scope.OptionalString("id");
        node.Title = scope.OptionalString("title");
        node.Description = scope.OptionalString("description");
        node.ConnectType = scope.Element.TryGetProperty("connect.type", out var connectType) && connectType.ValueKind == JsonValueKind.String
            ? connectType.GetString()
            : null;
        scope.OptionalString("$schema");
        scope.OptionalString("$comment");
        if (scope.Element.TryGetProperty("default", out var defaultValue))
        {
            node.Default = JsonCanonicalizer.Canonicalize(defaultValue);
        }
    }

    private static bool HasAny(JsonElement element, string[] keywords) =>
        keywords.Any(keyword => element.TryGetProperty(keyword, out _));

    private static string Pointer(List<string> path) =>
        "#" + string.Concat(path.Select(token => "/" + token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    private static string Location(Document document, List<string> path) =>
        document.Name == RootDocument ? Pointer(path) : $"{document.Name}{Pointer(path)}";

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string {element.GetRawText()}",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        _ => "null",
    };
}
