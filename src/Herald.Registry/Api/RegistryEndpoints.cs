using System.Text.Json.Nodes;
using Herald.Registry.Compatibility;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Herald.Registry.Api;

/// <summary>The Confluent Schema Registry REST API over a <see cref="SchemaRegistry"/>.</summary>
public static class RegistryEndpoints
{
    /// <summary>Maps every registry route onto <paramref name="routes"/>.</summary>
    public static void MapSchemaRegistry(this IEndpointRouteBuilder routes, SchemaRegistry registry)
    {
        RequestDelegate Handle(Func<HttpContext, Task<JsonNode>> handler) => async context =>
        {
            try
            {
                var result = await handler(context).ConfigureAwait(false);
                await RegistryJson.WriteAsync(context, result).ConfigureAwait(false);
            }
            catch (RegistryException ex)
            {
                await RegistryJson.WriteErrorAsync(context, ex.HttpStatus, ex.ErrorCode, ex.Message).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await RegistryJson.WriteErrorAsync(context, 500, 50001, $"Error in the backend data store: {ex.Message}").ConfigureAwait(false);
            }
        };

        RequestDelegate Raw(Func<HttpContext, string> handler) => async context =>
        {
            try
            {
                var text = handler(context);
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
            }
            catch (RegistryException ex)
            {
                await RegistryJson.WriteErrorAsync(context, ex.HttpStatus, ex.ErrorCode, ex.Message).ConfigureAwait(false);
            }
        };

        static string Route(HttpContext c, string name) => (string)c.Request.RouteValues[name]!;
        static bool Flag(HttpContext c, string name) => bool.TryParse(c.Request.Query[name], out var value) && value;
        static int Id(HttpContext c) => int.TryParse(Route(c, "id"), out var id) ? id : throw new RegistryException(404, 40403, "Schema not found");
        static JsonArray Array<T>(IEnumerable<T> items) => new(items.Select(i => JsonValue.Create(i)).ToArray<JsonNode?>());

        routes.MapGet("/", Handle(_ => Task.FromResult<JsonNode>(new JsonObject())));
        routes.MapGet("/schemas/types", Handle(_ => Task.FromResult<JsonNode>(Array(new[] { "JSON", "PROTOBUF", "AVRO" }))));
        routes.MapGet("/contexts", Handle(_ => Task.FromResult<JsonNode>(Array(new[] { "." }))));

        routes.MapGet("/schemas/ids/{id}", Handle(c => Task.FromResult<JsonNode>(RegistryJson.ById(registry.GetSchema(Id(c))))));
        routes.MapGet("/schemas/ids/{id}/schema", Raw(c => registry.GetSchema(Id(c)).Schema));
        routes.MapGet("/schemas/ids/{id}/subjects", Handle(c => Task.FromResult<JsonNode>(
            Array(registry.GetSubjectVersionsOf(Id(c), Flag(c, "deleted")).Select(x => x.Subject).Distinct()))));
        routes.MapGet("/schemas/ids/{id}/versions", Handle(c => Task.FromResult<JsonNode>(new JsonArray(
            registry.GetSubjectVersionsOf(Id(c), Flag(c, "deleted"))
                .Select(x => (JsonNode)new JsonObject { ["subject"] = x.Subject, ["version"] = x.Version }).ToArray()))));

        routes.MapGet("/subjects", Handle(c => Task.FromResult<JsonNode>(
            Array(registry.GetSubjects(Flag(c, "deleted"), c.Request.Query["subjectPrefix"].FirstOrDefault())))));
        routes.MapPost("/subjects/{subject}", Handle(async c =>
        {
            var request = await RegistryJson.ReadSchemaRequestAsync(c.Request).ConfigureAwait(false);
            return RegistryJson.Version(registry.Lookup(Route(c, "subject"), request, Flag(c, "deleted")));
        }));
        routes.MapDelete("/subjects/{subject}", Handle(c => Task.FromResult<JsonNode>(
            Array(registry.DeleteSubject(Route(c, "subject"), Flag(c, "permanent"))))));
        routes.MapGet("/subjects/{subject}/versions", Handle(c => Task.FromResult<JsonNode>(
            Array(registry.GetVersions(Route(c, "subject"), Flag(c, "deleted"))))));
        routes.MapPost("/subjects/{subject}/versions", Handle(async c =>
        {
            var request = await RegistryJson.ReadSchemaRequestAsync(c.Request).ConfigureAwait(false);
            var registered = registry.Register(Route(c, "subject"), request);
            // Clients that accept unknown properties (the .NET client says so) get the whole record, others just the id.
            return c.Request.Headers.ContainsKey("Confluent-Accept-Unknown-Properties")
                ? RegistryJson.Version(registered)
                : new JsonObject { ["id"] = registered.Id };
        }));
        routes.MapGet("/subjects/{subject}/versions/{version}", Handle(c => Task.FromResult<JsonNode>(
            RegistryJson.Version(registry.GetVersion(Route(c, "subject"), Route(c, "version"), Flag(c, "deleted"))))));
        routes.MapGet("/subjects/{subject}/versions/{version}/schema", Raw(c =>
            registry.GetVersion(Route(c, "subject"), Route(c, "version"), Flag(c, "deleted")).Schema));
        routes.MapGet("/subjects/{subject}/versions/{version}/referencedby", Handle(c => Task.FromResult<JsonNode>(
            Array(registry.GetReferencedBy(Route(c, "subject"), Route(c, "version"))))));
        routes.MapDelete("/subjects/{subject}/versions/{version}", Handle(c => Task.FromResult<JsonNode>(
            JsonValue.Create(registry.DeleteVersion(Route(c, "subject"), Route(c, "version"), Flag(c, "permanent"))))));

        async Task<JsonNode> Compatibility(HttpContext c, string? version)
        {
            var request = await RegistryJson.ReadSchemaRequestAsync(c.Request).ConfigureAwait(false);
            var result = registry.TestCompatibility(Route(c, "subject"), version, request);
            var response = new JsonObject { ["is_compatible"] = result.IsCompatible };
            if (Flag(c, "verbose"))
            {
                response["messages"] = Array(result.Violations.Select(v => v.ToString()));
            }

            return response;
        }

        routes.MapPost("/compatibility/subjects/{subject}/versions/{version}", Handle(c => Compatibility(c, Route(c, "version"))));
        routes.MapPost("/compatibility/subjects/{subject}/versions", Handle(c => Compatibility(c, null)));

        JsonNode LevelBody(CompatibilityLevel level, Formats.CompatibilityPolicy policy) => new JsonObject
        {
            ["compatibilityLevel"] = level.ToWireName(),
            ["compatibilityPolicy"] = policy == Formats.CompatibilityPolicy.Lenient ? "LENIENT" : "STRICT",
        };

        async Task<JsonNode> PutConfig(HttpContext c, string? subject)
        {
            var body = await RegistryJson.ReadObjectAsync(c.Request).ConfigureAwait(false);
            var level = body["compatibility"]?.GetValue<string>() ?? body["compatibilityLevel"]?.GetValue<string>();
            var policy = body["compatibilityPolicy"]?.GetValue<string>();
            registry.SetCompatibility(subject, level, policy);
            var echo = new JsonObject { ["compatibility"] = level!.ToUpperInvariant() };
            if (policy is not null)
            {
                echo["compatibilityPolicy"] = policy.ToUpperInvariant();
            }

            return echo;
        }

        routes.MapGet("/config", Handle(_ =>
        {
            var (level, policy) = registry.GetCompatibility(null, true);
            return Task.FromResult(LevelBody(level, policy));
        }));
        routes.MapGet("/config/{subject}", Handle(c =>
        {
            var (level, policy) = registry.GetCompatibility(Route(c, "subject"), Flag(c, "defaultToGlobal"));
            return Task.FromResult(LevelBody(level, policy));
        }));
        routes.MapPut("/config", Handle(c => PutConfig(c, null)));
        routes.MapPut("/config/{subject}", Handle(c => PutConfig(c, Route(c, "subject"))));
        routes.MapDelete("/config", Handle(_ => Task.FromResult<JsonNode>(new JsonObject { ["compatibilityLevel"] = registry.DeleteCompatibility(null).ToWireName() })));
        routes.MapDelete("/config/{subject}", Handle(c => Task.FromResult<JsonNode>(new JsonObject { ["compatibilityLevel"] = registry.DeleteCompatibility(Route(c, "subject")).ToWireName() })));

        async Task<JsonNode> PutMode(HttpContext c, string? subject)
        {
            var body = await RegistryJson.ReadObjectAsync(c.Request).ConfigureAwait(false);
            var mode = body["mode"]?.GetValue<string>();
            registry.SetMode(subject, mode, Flag(c, "force"));
            return new JsonObject { ["mode"] = mode!.ToUpperInvariant() };
        }

        routes.MapGet("/mode", Handle(_ => Task.FromResult<JsonNode>(new JsonObject { ["mode"] = registry.GetMode(null, true) })));
        routes.MapGet("/mode/{subject}", Handle(c => Task.FromResult<JsonNode>(new JsonObject { ["mode"] = registry.GetMode(Route(c, "subject"), Flag(c, "defaultToGlobal")) })));
        routes.MapPut("/mode", Handle(c => PutMode(c, null)));
        routes.MapPut("/mode/{subject}", Handle(c => PutMode(c, Route(c, "subject"))));
        routes.MapDelete("/mode", Handle(_ => Task.FromResult<JsonNode>(new JsonObject { ["mode"] = registry.DeleteMode(null) })));
        routes.MapDelete("/mode/{subject}", Handle(c => Task.FromResult<JsonNode>(new JsonObject { ["mode"] = registry.DeleteMode(Route(c, "subject")) })));
    }
}
