using System.Text.Json;
using Herald.Broker;
using Herald.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Herald.Server;

/// <summary>
/// The HTTP listener's monitoring surface: <c>/metrics</c> for Prometheus and <c>/api/v1/...</c> JSON for the CLI and the
/// console, both from the broker's one lag and dead-letter computation so they cannot disagree.
/// </summary>
public static class MonitoringEndpoints
{
    /// <summary>The JSON shape of the API: snake_case property names, as Kafka's and Confluent's REST APIs use.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Maps <c>/metrics</c>, <c>/api/v1/groups</c>, <c>/api/v1/groups/{group}</c> and <c>/api/v1/dlq</c>.</summary>
    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder routes, KafkaBroker broker, SchemaRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(registry);
        routes.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = PrometheusMetrics.ContentType;
            PrometheusMetrics.Render(broker, registry, context.Response.BodyWriter);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        });
        routes.MapGet("/api/v1/groups", () => Results.Json(new { GeneratedAt = DateTimeOffset.UtcNow, Groups = broker.ConsumerLag.GetAll() }, Json));
        routes.MapGet("/api/v1/groups/{group}", (string group) => broker.ConsumerLag.Get(group) is { } lag
            ? Results.Json(lag, Json)
            : Results.Json(new { Error = $"consumer group '{group}' does not exist" }, Json, statusCode: StatusCodes.Status404NotFound));
        routes.MapGet("/api/v1/dlq", () => Results.Json(new { GeneratedAt = DateTimeOffset.UtcNow, Topics = broker.DeadLetters.GetAll() }, Json));
        return routes;
    }
}
