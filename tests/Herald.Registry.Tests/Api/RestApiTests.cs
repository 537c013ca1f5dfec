using System.Text.Json;
using Herald.Server;

namespace Herald.Registry.Tests.Api;

/// <summary>REST behaviour the Confluent client does not expose: deletes, verbose checks, modes, restart, metrics.</summary>
public sealed class RestApiTests
{
    private static string Body(string schema, string? type = null) =>
        JsonSerializer.Serialize(type is null ? new Dictionary<string, object> { ["schema"] = schema } : new Dictionary<string, object> { ["schema"] = schema, ["schemaType"] = type });

    private const string V1 = """{"type":"object","properties":{"id":{"type":"string"}},"required":["id"],"additionalProperties":false}""";
    private const string V2Optional = """{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"}},"required":["id"],"additionalProperties":false}""";
    private const string V3Required = """{"type":"object","properties":{"id":{"type":"string"},"note":{"type":"string"},"email":{"type":"string"}},"required":["id","email"],"additionalProperties":false}""";

    [Fact]
    public async Task Verbose_compatibility_names_the_path_the_rule_and_the_version()
    {
        var server = await RegistryServer.Shared;
        var subject = RegistryServer.Subject("orders-value");
        await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V1, "JSON"));
        await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V2Optional, "JSON"));

        var (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"compatibility/subjects/{subject}/versions/latest?verbose=true", Body(V3Required, "JSON"));
        Assert.Equal(200, status);
        using var json = JsonDocument.Parse(body);
        Assert.False(json.RootElement.GetProperty("is_compatible").GetBoolean());
        var message = Assert.Single(json.RootElement.GetProperty("messages").EnumerateArray()).GetString()!;
        Assert.Contains("version 2", message, StringComparison.Ordinal);
        Assert.Contains("#/properties/email", message, StringComparison.Ordinal);
        Assert.Contains("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", message, StringComparison.Ordinal);

        (_, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"compatibility/subjects/{subject}/versions/latest", Body(V2Optional, "JSON"));
        Assert.Equal("""{"is_compatible":true}""", body);
    }

    [Fact]
    public async Task Soft_then_permanent_delete_follow_confluents_rules()
    {
        var server = await RegistryServer.Shared;
        var subject = RegistryServer.Subject("delete-value");
        await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V1, "JSON"));
        await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V2Optional, "JSON"));

        var (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Delete, $"subjects/{subject}/versions/2?permanent=true");
        Assert.Equal(404, status);
        Assert.Contains("40407", body, StringComparison.Ordinal);

        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Delete, $"subjects/{subject}/versions/2");
        Assert.Equal((200, "2"), (status, body));
        (_, body) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"subjects/{subject}/versions");
        Assert.Equal("[1]", body);
        (_, body) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"subjects/{subject}/versions?deleted=true");
        Assert.Equal("[1,2]", body);

        (status, _) = await RegistryServer.SendAsync(server, HttpMethod.Delete, $"subjects/{subject}/versions/2?permanent=true");
        Assert.Equal(200, status);
        (_, body) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"subjects/{subject}/versions?deleted=true");
        Assert.Equal("[1]", body);

        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Delete, $"subjects/{subject}?permanent=true");
        Assert.Equal(404, status);
        Assert.Contains("40405", body, StringComparison.Ordinal);
        (_, body) = await RegistryServer.SendAsync(server, HttpMethod.Delete, $"subjects/{subject}");
        Assert.Equal("[1]", body);
        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"subjects/{subject}/versions");
        Assert.Equal(404, status);
        Assert.Contains("40401", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_only_mode_refuses_registration()
    {
        var server = await RegistryServer.Shared;
        var subject = RegistryServer.Subject("frozen-value");
        var (status, _) = await RegistryServer.SendAsync(server, HttpMethod.Put, $"mode/{subject}", """{"mode":"READONLY"}""");
        Assert.Equal(200, status);
        (status, var body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V1, "JSON"));
        Assert.Equal(422, status);
        Assert.Contains("42205", body, StringComparison.Ordinal);
        (_, body) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"mode/{subject}");
        Assert.Equal("""{"mode":"READONLY"}""", body);
    }

    [Fact]
    public async Task Refused_registrations_are_counted_in_metrics()
    {
        var server = await RegistryServer.Shared;
        var subject = RegistryServer.Subject("metric-value");
        await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V1, "JSON"));
        var (status, _) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V3Required, "JSON"));
        Assert.Equal(409, status);

        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains($"schema_registry_incompatible_total{{subject=\"{subject}\"}} 1", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pathological_schema_gets_an_answer_instead_of_hanging_the_registry()
    {
        var server = await RegistryServer.Shared;
        var subject = RegistryServer.Subject("deep-value");

        // 40 definitions, each a oneOf of references to the next two: the naive diff explodes exponentially.
        static string Deep(string leafType)
        {
            var definitions = new System.Text.StringBuilder();
            for (int i = 0; i < 40; i++)
            {
                definitions.Append(i == 0 ? string.Empty : ",");
                definitions.Append(i < 38
                    ? $"\"d{i}\":{{\"oneOf\":[{{\"$ref\":\"#/definitions/d{i + 1}\"}},{{\"$ref\":\"#/definitions/d{i + 2}\"}},{{\"type\":\"null\"}}]}}"
                    : $"\"d{i}\":{{\"type\":\"{leafType}\"}}");
            }

            return $"{{\"definitions\":{{{definitions}}},\"$ref\":\"#/definitions/d0\"}}";
        }

        var (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(Deep("string"), "JSON"));
        Assert.Equal(200, status);
        (status, body) = await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(Deep("integer"), "JSON"));
        // string -> integer at the leaf is incompatible under BACKWARD: the answer must be a refusal, not a registration.
        Assert.True(status == 409, $"expected 409 (incompatible), got {status}: {body}");
        Assert.Contains("\"error_code\":409", body, StringComparison.Ordinal);

        // The registry still serves other requests.
        (status, _) = await RegistryServer.SendAsync(server, HttpMethod.Get, "subjects");
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Restart_keeps_ids_versions_and_configs()
    {
        var data = RegistryServer.NewDataDirectory();
        var subject = RegistryServer.Subject("durable-value");
        string before;
        await using (var server = await RegistryServer.StartAsync(data))
        {
            await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V1, "JSON"));
            await RegistryServer.SendAsync(server, HttpMethod.Post, $"subjects/{subject}/versions", Body(V2Optional, "JSON"));
            await RegistryServer.SendAsync(server, HttpMethod.Put, $"config/{subject}", """{"compatibility":"FULL"}""");
            (_, before) = await RegistryServer.SendAsync(server, HttpMethod.Get, $"subjects/{subject}/versions/latest");
        }

        await using var restarted = await RegistryServer.StartAsync(data);
        var (_, after) = await RegistryServer.SendAsync(restarted, HttpMethod.Get, $"subjects/{subject}/versions/latest");
        Assert.Equal(before, after);
        var (_, config) = await RegistryServer.SendAsync(restarted, HttpMethod.Get, $"config/{subject}");
        Assert.Contains("\"FULL\"", config, StringComparison.Ordinal);

        // A new schema gets the next id, never a reused one.
        var (_, registered) = await RegistryServer.SendAsync(restarted, HttpMethod.Post, $"subjects/{RegistryServer.Subject("other")}/versions", Body("""{"type":"string"}""", "JSON"));
        using var latest = JsonDocument.Parse(after);
        using var fresh = JsonDocument.Parse(registered);
        Assert.True(fresh.RootElement.GetProperty("id").GetInt32() > latest.RootElement.GetProperty("id").GetInt32());
    }
}
