using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Herald.Contracts;

/// <summary>Generates the JSON Schema of an event contract type.</summary>
/// <remarks>
/// The schema is a <b>closed content model</b> (<c>additionalProperties: false</c> on every object) by default: with
/// Confluent's rules, adding an optional property to a closed model is BACKWARD compatible, while on an open model
/// it is not. Constructor parameters without a default and <c>required</c> members are listed in <c>required</c>;
/// nullable properties accept <c>null</c>. A property marked <see cref="PiiAttribute"/> (on the property or its
/// constructor parameter) carries <c>"x-herald-pii": true</c> (<see cref="PiiKeyword"/>) in its schema, so readers of the
/// registry (the console's message browser) know to mask its value. Validators ignore the keyword (JSON Schema allows
/// unknown keywords), and adding it is compatible at every level.
/// </remarks>
public static class ContractSchema
{
    /// <summary>The schema keyword that marks a property's value as personal data: <c>"x-herald-pii": true</c>.</summary>
    public const string PiiKeyword = "x-herald-pii";

    /// <summary>The serializer options contracts use on the wire (camel case is not applied: names are as declared unless attributed).</summary>
    public static JsonSerializerOptions DefaultSerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The JSON Schema text of <typeparamref name="T"/>.</summary>
    public static string GenerateJsonSchema<T>(JsonSerializerOptions? options = null, bool closedModel = true) =>
        GenerateJsonSchema(typeof(T), options, closedModel);

    /// <summary>The JSON Schema text of <paramref name="contractType"/>.</summary>
    public static string GenerateJsonSchema(Type contractType, JsonSerializerOptions? options = null, bool closedModel = true)
    {
        options ??= DefaultSerializerOptions;
        options.MakeReadOnly(populateMissingResolver: true);
        var exporterOptions = new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                if (closedModel && node is JsonObject schema && IsObjectSchema(schema))
                {
                    schema["additionalProperties"] = false;
                }

                if (context.PropertyInfo is { } property && IsPii(property))
                {
                    // A property typed object or JsonElement exports as the boolean schema `true`, which cannot hold a keyword;
                    // `{}` accepts the same values.
                    var marked = node as JsonObject ?? new JsonObject();
                    marked[PiiKeyword] = true;
                    return marked;
                }

                return node;
            },
        };
        var root = options.GetJsonSchemaAsNode(contractType, exporterOptions);
        if (root is JsonObject rootObject)
        {
            var withHeader = new JsonObject
            {
                ["$schema"] = "http://json-schema.org/draft-07/schema#",
                ["title"] = contractType.Name,
            };
            foreach (var (key, value) in rootObject.ToList())
            {
                rootObject.Remove(key);
                withHeader[key] = value;
            }

            root = withHeader;
        }

        return root.ToJsonString();
    }

    private static bool IsPii(JsonPropertyInfo property) =>
        property.AttributeProvider?.IsDefined(typeof(PiiAttribute), inherit: false) == true
        || property.AssociatedParameter?.AttributeProvider?.IsDefined(typeof(PiiAttribute), inherit: false) == true;

    private static bool IsObjectSchema(JsonObject schema) => schema["type"] switch
    {
        JsonValue value => value.TryGetValue<string>(out var type) && type == "object",
        JsonArray types => types.Any(t => t?.GetValue<string>() == "object"),
        _ => schema.ContainsKey("properties"),
    };
}
