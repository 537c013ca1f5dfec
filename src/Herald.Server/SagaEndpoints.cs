using System.Globalization;
using Herald.Sagas;
using Herald.WebConsole.Groups;
using Herald.WebConsole.Sagas;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Server;

/// <summary>
/// <c>/api/v1/sagas</c>: saga instances from the service databases named by <c>herald serve --sagas</c>, read with the
/// same <c>SagaReader</c> as the console's Sagas pages. snake_case JSON like the other <c>/api/v1</c> endpoints.
/// </summary>
public static class SagaEndpoints
{
    /// <summary>With more than one source, the list reads offset + limit instances from each: at most this many.</summary>
    public const int MaxMergedWindow = 10_000;

    /// <summary>
    /// Maps <c>GET /api/v1/sagas?source=&amp;type=&amp;step=&amp;stuck_for=5m&amp;include_completed=&amp;limit=&amp;offset=</c>
    /// (stalest first) and <c>GET /api/v1/sagas/{source}/{type}/{id}</c>. Needs <c>AddHeraldConsole</c>'s services.
    /// </summary>
    public static IEndpointRouteBuilder MapSagaApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/api/v1/sagas", (HttpRequest request) => ListAsync(request, Reader(request)));
        routes.MapGet("/api/v1/sagas/{source}/{type}/{id}", (HttpRequest request, string source, string type, string id) =>
            GetAsync(Reader(request), RouteValues.Decode(source), RouteValues.Decode(type), RouteValues.Decode(id), request.HttpContext.RequestAborted));
        return routes;
    }

    private static SagaReader Reader(HttpRequest request) => request.HttpContext.RequestServices.GetRequiredService<SagaReader>();

    private static async Task<IResult> ListAsync(HttpRequest request, SagaReader reader)
    {
        var query = request.Query;
        if (!TryNumber(query["limit"], 100, 1, 1000, out var limit))
        {
            return Error(StatusCodes.Status400BadRequest, $"limit: '{query["limit"]}' is not a number from 1 to 1000");
        }

        if (!TryNumber(query["offset"], 0, 0, int.MaxValue - 1000, out var offset))
        {
            return Error(StatusCodes.Status400BadRequest, $"offset: '{query["offset"]}' is not a number of 0 or more");
        }

        TimeSpan? stuckFor = null;
        if (!string.IsNullOrEmpty(query["stuck_for"]))
        {
            if (!SagaDuration.TryParse(query["stuck_for"], out var duration))
            {
                return Error(StatusCodes.Status400BadRequest, $"stuck_for: '{query["stuck_for"]}' is not a duration; {SagaDuration.Expected}");
            }

            stuckFor = duration;
        }

        var includeCompleted = true;
        if (!string.IsNullOrEmpty(query["include_completed"]) && !bool.TryParse(query["include_completed"], out includeCompleted))
        {
            return Error(StatusCodes.Status400BadRequest, $"include_completed: '{query["include_completed"]}' is not true or false");
        }

        var now = DateTimeOffset.UtcNow;
        if (reader.Sources.Count == 0)
        {
            return Results.Json(new SagaListJson(now, 0, [], [], "no saga sources configured: start herald serve with --sagas sqlite:PATH or --sagas postgres:CONNSTR"), MonitoringEndpoints.Json);
        }

        IReadOnlyList<SagaSource> sources = reader.Sources;
        if (query["source"].ToString() is { Length: > 0 } name)
        {
            if (reader.Find(name) is not { } one)
            {
                return UnknownSource(reader, name);
            }

            sources = [one];
        }

        // One source pages in the database; several are merged here, so each must give its first offset + limit.
        var merged = sources.Count > 1;
        if (merged && offset + limit > MaxMergedWindow)
        {
            return Error(StatusCodes.Status400BadRequest, $"offset + limit is at most {MaxMergedWindow} across several sources; name one with source= to page further");
        }

        var filter = new SagaFilter
        {
            Type = Blank(query["type"]),
            Step = Blank(query["step"]),
            StuckFor = stuckFor,
            IncludeCompleted = includeCompleted,
            Offset = merged ? 0 : offset,
        };
        var results = await reader.ReadAsync(sources, filter, merged ? offset + limit : limit, request.HttpContext.RequestAborted).ConfigureAwait(false);
        var rows = SagaReader.StalestFirst(results);
        var page = (merged ? rows.Skip(offset).Take(limit) : rows).Select(r => SagaSummaryJson.From(r.Source.Name, r.Summary, now)).ToList();
        var answered = results.Where(r => r.Error is null).ToList();
        var body = new SagaListJson(
            now,
            answered.Sum(r => r.Total),
            page,
            [.. results.Select(SagaSourceJson.From)],
            answered.Count == results.Count ? null : $"{results.Count - answered.Count} of {results.Count} saga source(s) could not be read; see sources[].error");
        return Results.Json(body, MonitoringEndpoints.Json, statusCode: answered.Count == 0 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }

    private static async Task<IResult> GetAsync(SagaReader reader, string sourceName, string type, string id, CancellationToken cancellationToken)
    {
        if (reader.Find(sourceName) is not { } source)
        {
            return UnknownSource(reader, sourceName);
        }

        var lookup = await reader.GetAsync(source, type, id, cancellationToken).ConfigureAwait(false);
        return lookup switch
        {
            { Error: { } error } => Error(StatusCodes.Status503ServiceUnavailable, $"saga source '{source.Name}' could not be read: {error}"),
            { Instance: { } instance } => Results.Json(SagaInstanceJson.From(source.Name, instance), MonitoringEndpoints.Json),
            _ => Error(StatusCodes.Status404NotFound, $"saga source '{source.Name}' has no {type} saga '{id}'"),
        };
    }

    private static IResult UnknownSource(SagaReader reader, string name) => Error(
        StatusCodes.Status404NotFound,
        reader.Sources.Count == 0
            ? $"no saga source '{name}': none is configured (herald serve --sagas)"
            : $"no saga source '{name}'; the sources are {string.Join(", ", reader.Sources.Select(s => s.Name))}");

    private static IResult Error(int status, string message) => Results.Json(new { Error = message }, MonitoringEndpoints.Json, statusCode: status);

    private static bool TryNumber(string? text, int fallback, int min, int max, out int value)
    {
        value = fallback;
        return string.IsNullOrEmpty(text) || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
