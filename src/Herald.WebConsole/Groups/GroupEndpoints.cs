using Herald.WebConsole.Components.Groups;
using Herald.WebConsole.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Herald.WebConsole.Groups;

/// <summary>The consumer-group pages' fragments (what htmx polls) and their per-chart series.</summary>
internal static class GroupEndpoints
{
    /// <summary>
    /// Maps <c>/console/fragments/groups</c> (the groups table), <c>/console/fragments/groups/{group}</c> (a group's live
    /// numbers), and <c>/console/series/groups/{group}/lag</c> and <c>.../lag-seconds</c> (one series each of the group's history).
    /// </summary>
    public static IEndpointRouteBuilder MapConsoleGroups(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/fragments/groups", () => new RazorComponentResult<GroupsTable>());
        app.MapGet("/console/fragments/groups/{group}", (string group) =>
            new RazorComponentResult<GroupLive>(new Dictionary<string, object?> { [nameof(GroupLive.GroupId)] = RouteValues.Decode(group) }));
        app.MapGet("/console/series/groups/{group}/lag", (string group, ConsoleHistory history) => OneSeries(history, group, 0));
        app.MapGet("/console/series/groups/{group}/lag-seconds", (string group, ConsoleHistory history) => OneSeries(history, group, 1));
        return app;
    }

    private static IResult OneSeries(ConsoleHistory history, string group, int index)
    {
        var series = history.Group(RouteValues.Decode(group));
        var one = series.Values.Count > index ? new Series(series.Times, [series.Values[index]]) : Series.Empty;
        return Results.Json(one, ConsoleJson.Options);
    }
}
