using System.Reflection;
using Herald.WebConsole.Audit;
using Herald.WebConsole.Components;
using Herald.WebConsole.Groups;
using Herald.WebConsole.History;
using Herald.WebConsole.Sagas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Herald.WebConsole;

/// <summary>Registers and maps the console: server-rendered Razor components, vendored assets and the charts' series.</summary>
public static class ConsoleEndpoints
{
    /// <summary>Adds the console's services: Razor components (static server rendering), antiforgery, the history sampler and the saga sources' reader.</summary>
    public static IServiceCollection AddHeraldConsole(this IServiceCollection services, ConsoleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(options ?? new ConsoleOptions());
        services.AddRazorComponents();
        services.AddAntiforgery();
        services.TryAddSingleton<AuditLog>();
        services.AddSingleton<ConsoleHistory>();
        services.AddHostedService(sp => sp.GetRequiredService<ConsoleHistory>());
        services.AddConsoleDeadLetters();
        services.AddSingleton<SagaReader>();
        return services;
    }

    /// <summary>Maps the pages at <c>/</c>, the assets at <c>/assets/{name}</c> and chart series at <c>/console/series/...</c>.</summary>
    public static WebApplication MapHeraldConsole(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        app.MapGet("/assets/{name}", ServeAsset);
        app.MapGet("/console/series/overview", (ConsoleHistory history) => Results.Json(history.Overview(), ConsoleJson.Options));
        app.MapGet("/console/series/topics/{topic}", (string topic, ConsoleHistory history) => Results.Json(history.Topic(topic), ConsoleJson.Options));
        app.MapGet("/console/series/groups/{group}", (string group, ConsoleHistory history) => Results.Json(history.Group(group), ConsoleJson.Options));
        app.MapConsoleGroups();
        app.MapRazorComponents<App>();
        return app;
    }

    private static IResult ServeAsset(string name, HttpContext context)
    {
        var stream = typeof(ConsoleEndpoints).Assembly.GetManifestResourceStream("assets/" + name);
        if (stream is null)
        {
            return Results.NotFound();
        }

        context.Response.Headers.CacheControl = "public, max-age=3600";
        var type = Path.GetExtension(name) switch
        {
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }
}
