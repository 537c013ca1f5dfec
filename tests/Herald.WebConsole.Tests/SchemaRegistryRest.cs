using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Herald.WebConsole.Tests;

/// <summary>Seeds the registry through its Confluent-compatible REST API, as any client would.</summary>
internal sealed class SchemaRegistryRest(Uri registry) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = registry };

    /// <summary>Registers <paramref name="schema"/> under <paramref name="subject"/>; returns the HTTP status.</summary>
    public async Task<HttpStatusCode> RegisterAsync(string subject, string schema, string type = "AVRO")
    {
        using var response = await _http.PostAsJsonAsync(
            $"subjects/{Uri.EscapeDataString(subject)}/versions",
            new JsonObject { ["schema"] = schema, ["schemaType"] = type });
        return response.StatusCode;
    }

    /// <summary>Registers every schema in order and fails unless each is accepted.</summary>
    public async Task RegisterAllAsync(string subject, string type, params string[] schemas)
    {
        foreach (var schema in schemas)
        {
            Assert.Equal(HttpStatusCode.OK, await RegisterAsync(subject, schema, type));
        }
    }

    /// <summary>Sets the subject's own compatibility level.</summary>
    public async Task SetCompatibilityAsync(string subject, string level)
    {
        using var response = await _http.PutAsJsonAsync($"config/{Uri.EscapeDataString(subject)}", new JsonObject { ["compatibility"] = level });
        response.EnsureSuccessStatusCode();
    }

    public void Dispose() => _http.Dispose();
}
