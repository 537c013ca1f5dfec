using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Registry.Formats;
using Herald.Registry.Storage;
using Microsoft.AspNetCore.Http;

namespace Herald.Registry.Api;

/// <summary>Reading request bodies and writing responses in Confluent's exact shapes.</summary>
internal static class RegistryJson
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw RegistryException.BadRequest($"Malformed JSON body: {ex.Message}");
        }

        return node as JsonObject ?? throw new RegistryException(422, 422, "The request body must be a JSON object");
    }

    /// <summary>Reads a register/lookup/compatibility body: <c>{"schema", "schemaType"?, "references"?}</c>.</summary>
    public static async Task<SchemaRequest> ReadSchemaRequestAsync(HttpRequest request)
    {
        var body = await ReadObjectAsync(request).ConfigureAwait(false);
        string? schema;
        string? typeName;
        try
        {
            schema = body["schema"]?.GetValue<string>();
            typeName = body["schemaType"]?.GetValue<string>();
        }
        catch (InvalidOperationException)
        {
            throw new RegistryException(422, 42201, "Invalid schema: 'schema' and 'schemaType' must be strings");
        }

        if (string.IsNullOrEmpty(schema))
        {
            throw new RegistryException(422, 42201, "Empty schema");
        }

        if (!SchemaFormats.TryParseType(typeName, out var type))
        {
            throw new RegistryException(422, 42201, $"Invalid schema type '{typeName}'. Valid values are AVRO, JSON, PROTOBUF");
        }

        var references = new List<SchemaReference>();
        if (body["references"] is JsonArray array)
        {
            foreach (var item in array)
            {
                var name = item?["name"]?.GetValue<string>();
                var subject = item?["subject"]?.GetValue<string>();
                var version = item?["version"]?.GetValue<int>();
                if (name is null || subject is null || version is null)
                {
                    throw new RegistryException(422, 42201, "Invalid schema: each reference needs a name, a subject and a version");
                }

                references.Add(new SchemaReference(name, subject, version.Value));
            }
        }

        return new SchemaRequest(schema, type, references);
    }

    public static JsonObject Version(RegisteredSchema schema)
    {
        var result = new JsonObject
        {
            ["subject"] = schema.Subject,
            ["version"] = schema.Version,
            ["id"] = schema.Id,
        };
        AddTypeAndReferences(result, schema.Type, schema.References);
        result["schema"] = schema.Schema;
        return result;
    }

    public static JsonObject ById(SchemaById schema)
    {
        var result = new JsonObject { ["schema"] = schema.Schema };
        AddTypeAndReferences(result, schema.Type, schema.References);
        return result;
    }

    /// <summary>Confluent omits <c>schemaType</c> for AVRO and <c>references</c> when there are none.</summary>
    private static void AddTypeAndReferences(JsonObject target, SchemaType type, IReadOnlyList<SchemaReference> references)
    {
        if (type != SchemaType.Avro)
        {
            target["schemaType"] = SchemaFormats.ToWireName(type);
        }

        if (references.Count > 0)
        {
            target["references"] = new JsonArray(references
                .Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["subject"] = r.Subject, ["version"] = r.Version })
                .ToArray());
        }
    }

    public static Task WriteAsync(HttpContext context, JsonNode node, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(node.ToJsonString(Options), context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, int status, int errorCode, string message) =>
        WriteAsync(context, new JsonObject { ["error_code"] = errorCode, ["message"] = message }, status);
}
