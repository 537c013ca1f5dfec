using System.Text;
using Confluent.SchemaRegistry;
using Herald.Server;
using Herald.Testing;

namespace Herald.Registry.Tests.Api;

/// <summary>Real Herald servers for registry tests: one shared, or dedicated ones for restarts.</summary>
public static class RegistryServer
{
    /// <summary>The shared test server (broker and registry) of <see cref="TestBroker"/>.</summary>
    public static Task<HeraldServer> Shared => TestBroker.Shared;

    public static string NewDataDirectory() => TestBroker.NewDataDirectory();

    public static Task<HeraldServer> StartAsync(string data) => TestBroker.StartAsync(data);

    public static CachedSchemaRegistryClient Client(HeraldServer server) =>
        new(new SchemaRegistryConfig { Url = server.RegistryAddress.ToString().TrimEnd('/') });

    public static string Subject(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A raw REST call, for what the Confluent client does not expose (verbose checks, deletes, error bodies).</summary>
    public static async Task<(int Status, string Body)> SendAsync(HeraldServer server, HttpMethod method, string path, string? body = null)
    {
        using var http = new HttpClient { BaseAddress = server.RegistryAddress };
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        }

        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
