using System.Text.Json;
using System.Text.Json.Nodes;

namespace Herald.WebConsole.Topics;

/// <summary>
/// Masks the values of a JSON document that its JSON Schema marks as personal data (<c>"x-herald-pii": true</c>, as
/// the SDK's <c>ContractSchema</c> writes for <c>[Pii]</c> properties), replacing each with <c>***</c>.
/// </summary>
/// <remarks>
/// Follows <c>properties</c>, <c>additionalProperties</c>, <c>items</c> (one schema or a tuple), <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c>
/// and local <c>$ref</c>s (<c>#/definitions/…</c>, <c>#/$defs/…</c>, <c>#</c>). A value is masked when any schema that
/// may apply to it carries the marker, so a union never lets a marked value through. References to other subjects
/// are not followed.
/// </remarks>
internal static class JsonSchemaPiiMask
{
    /// <summary>The schema keyword that marks personal data; the same text as the SDK's <c>ContractSchema.PiiKeyword</c> (a test keeps them equal).</summary>
    public const string PiiKeyword = "x-herald-pii";

    /// <summary>The text that replaces a masked value, as the SDK's <c>PiiMasker.Mask</c>.</summary>
    public const string PiiMask = "***";

    private const int MaxDepth = 64;

    /// <summary>Masks <paramref name="value"/> in place (or returns <c>***</c> when the root itself is marked); counts masked values.</summary>
    public static JsonNode? Apply(JsonNode? value, JsonElement schema, out int masked)
    {
        masked = 0;
        var applicable = Expand(schema, schema, 0);
        if (applicable.Any(IsPii))
        {
            masked = 1;
            return JsonValue.Create(PiiMask);
        }

        masked = MaskChildren(value, applicable, schema, 0);
        return value;
    }

    private static int MaskChildren(JsonNode? value, List<JsonElement> schemas, JsonElement root, int depth)
    {
        if (depth > MaxDepth || schemas.Count == 0)
        {
            return 0;
        }

        var masked = 0;
        switch (value)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    var childSchemas = new List<JsonElement>();
                    foreach (var schema in schemas)
                    {
                        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
                            && properties.TryGetProperty(name, out var property))
                        {
                            childSchemas.AddRange(Expand(property, root, depth));
                        }
                        else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
                        {
                            childSchemas.AddRange(Expand(additional, root, depth));
                        }
                    }

                    masked += MaskOrDescend(obj[name], childSchemas, root, depth, replacement => obj[name] = replacement);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var childSchemas = new List<JsonElement>();
                    foreach (var schema in schemas)
                    {
                        if (!schema.TryGetProperty("items", out var items))
                        {
                            continue;
                        }

                        if (items.ValueKind == JsonValueKind.Object)
                        {
                            childSchemas.AddRange(Expand(items, root, depth));
                        }
                        else if (items.ValueKind == JsonValueKind.Array && i < items.GetArrayLength())
                        {
                            childSchemas.AddRange(Expand(items[i], root, depth));
                        }
                    }

                    var index = i;
                    masked += MaskOrDescend(array[i], childSchemas, root, depth, replacement => array[index] = replacement);
                }

                break;
        }

        return masked;
    }

    private static int MaskOrDescend(JsonNode? child, List<JsonElement> schemas, JsonElement root, int depth, Action<JsonNode> replace)
    {
        if (schemas.Any(IsPii))
        {
            replace(JsonValue.Create(PiiMask));
            return 1;
        }

        return MaskChildren(child, schemas, root, depth + 1);
    }

    /// <summary>The schema with its <c>$ref</c> resolved and every <c>allOf</c>/<c>anyOf</c>/<c>oneOf</c> branch, flattened.</summary>
    private static List<JsonElement> Expand(JsonElement schema, JsonElement root, int depth)
    {
        var result = new List<JsonElement>();
        var pending = new Stack<(JsonElement Schema, int Depth)>();
        pending.Push((schema, depth));
        while (pending.Count > 0)
        {
            var (current, level) = pending.Pop();
            if (current.ValueKind != JsonValueKind.Object || level > MaxDepth || result.Count > 256)
            {
                continue;
            }

            result.Add(current);
            if (current.TryGetProperty("$ref", out var reference) && reference.GetString() is { } pointer && Resolve(root, pointer) is { } target)
            {
                pending.Push((target, level + 1));
            }

            foreach (var keyword in (ReadOnlySpan<string>)["allOf", "anyOf", "oneOf"])
            {
                if (current.TryGetProperty(keyword, out var branches) && branches.ValueKind == JsonValueKind.Array)
                {
                    foreach (var branch in branches.EnumerateArray())
                    {
                        pending.Push((branch, level + 1));
                    }
                }
            }
        }

        return result;
    }

    private static JsonElement? Resolve(JsonElement root, string pointer)
    {
        if (pointer == "#")
        {
            return root;
        }

        if (!pointer.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var current = root;
        foreach (var raw in pointer[2..].Split('/'))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(token, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(token, out var index) && index >= 0 && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                return null;
            }
        }

        return current;
    }

    private static bool IsPii(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object
        && schema.TryGetProperty(PiiKeyword, out var marker)
        && marker.ValueKind == JsonValueKind.True;
}
