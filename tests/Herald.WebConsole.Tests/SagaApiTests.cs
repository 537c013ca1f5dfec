using System.Net;
using System.Text.Json;

namespace Herald.WebConsole.Tests;

/// <summary><c>/api/v1/sagas</c> over the saga server's sources: two filled by a real saga, two without tables, one missing, one down.</summary>
public sealed class SagaApiTests
{
    [Fact]
    public async Task The_list_is_stalest_first_and_filters_by_source_type_step_stuck_for_completed_and_pages()
    {
        var sagas = await SagaConsole.Shared;

        var shop = await GetAsync(sagas, "/api/v1/sagas?source=shop");
        Assert.Equal(HttpStatusCode.OK, shop.Status);
        Assert.Equal([sagas.Stuck, sagas.Completed, sagas.Compensated, sagas.Fresh], Ids(shop.Body));
        Assert.Equal(4, shop.Body.GetProperty("total").GetInt32());
        var stuck = shop.Body.GetProperty("instances")[0];
        Assert.Equal(("shop", "order-fulfilment", "AwaitingPayment", 1L, false), (Text(stuck, "source"), Text(stuck, "type"), Text(stuck, "step"), stuck.GetProperty("version").GetInt64(), stuck.GetProperty("completed").GetBoolean()));
        Assert.InRange(stuck.GetProperty("idle_seconds").GetDouble(), SagaConsole.StuckAge.TotalSeconds - 60, SagaConsole.StuckAge.TotalSeconds + 600);
        Assert.Equal(["ChargeSucceeded", "OrderExpired"], stuck.GetProperty("expected_events").EnumerateArray().Select(e => e.GetString()));
        Assert.NotEqual(JsonValueKind.Null, stuck.GetProperty("next_timeout_at").ValueKind);
        Assert.Equal(JsonValueKind.Null, shop.Body.GetProperty("message").ValueKind);

        Assert.Equal([sagas.Stuck], Ids((await GetAsync(sagas, "/api/v1/sagas?source=shop&stuck_for=30m")).Body));
        Assert.Equal([sagas.Stuck, sagas.Fresh], Ids((await GetAsync(sagas, "/api/v1/sagas?source=shop&stuck_for=0s")).Body));
        Assert.Equal([sagas.Stuck, sagas.Fresh], Ids((await GetAsync(sagas, "/api/v1/sagas?source=shop&include_completed=false")).Body));
        Assert.Equal([sagas.Completed], Ids((await GetAsync(sagas, "/api/v1/sagas?source=shop&type=order-fulfilment&step=Completed")).Body));
        Assert.Empty(Ids((await GetAsync(sagas, "/api/v1/sagas?source=shop&type=no-such-saga")).Body));

        var page = (await GetAsync(sagas, "/api/v1/sagas?source=shop&limit=2&offset=1")).Body;
        Assert.Equal([sagas.Completed, sagas.Compensated], Ids(page));
        Assert.Equal(4, page.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Every_source_together_merges_stalest_first_and_reports_the_broken_ones()
    {
        var sagas = await SagaConsole.Shared;

        var all = await GetAsync(sagas, "/api/v1/sagas");

        Assert.Equal(HttpStatusCode.OK, all.Status);
        var rows = all.Body.GetProperty("instances").EnumerateArray().Select(i => (Text(i, "source"), Text(i, "id"))).ToList();
        Assert.Contains(("billing", sagas.Billed), rows);
        Assert.Equal(("shop", sagas.Stuck), rows[0]);
        var times = all.Body.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("updated_at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.Order(), times);
        Assert.Equal(5, all.Body.GetProperty("total").GetInt32());

        var sources = all.Body.GetProperty("sources").EnumerateArray().ToDictionary(s => Text(s, "name")!);
        Assert.Equal(["shop", "billing", "notes", "ledger", "gone", "down"], sources.Keys);
        Assert.Equal(4, sources["shop"].GetProperty("total").GetInt32());
        Assert.Equal(1, sources["billing"].GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, sources["billing"].GetProperty("error").ValueKind);
        Assert.StartsWith("no saga tables here", Text(sources["notes"], "error"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, sources["notes"].GetProperty("total").ValueKind);
        Assert.StartsWith("no saga tables here (42P01: relation \"herald_saga\" does not exist", Text(sources["ledger"], "error"), StringComparison.Ordinal);
        Assert.Equal("cannot open the database file: it does not exist, or this process may not read it", Text(sources["gone"], "error"));
        Assert.Contains("Connection refused", Text(sources["down"], "error"), StringComparison.Ordinal);
        Assert.Equal("4 of 6 saga source(s) could not be read; see sources[].error", Text(all.Body, "message"));

        var merged = (await GetAsync(sagas, "/api/v1/sagas?limit=2&offset=1")).Body;
        Assert.Equal(rows.Skip(1).Take(2).Select(r => r.Item2), Ids(merged));
    }

    [Fact]
    public async Task An_instance_has_its_data_next_timeout_steps_history_and_timeouts()
    {
        var sagas = await SagaConsole.Shared;

        var (status, body) = await GetAsync(sagas, $"/api/v1/sagas/shop/order-fulfilment/{sagas.Compensated}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("shop", sagas.Compensated, "Cancelled", 4L, true), (Text(body, "source"), Text(body, "id"), Text(body, "step"), body.GetProperty("version").GetInt64(), body.GetProperty("completed").GetBoolean()));
        Assert.Equal("out of stock", body.GetProperty("data").GetProperty("failureReason").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("next_timeout").ValueKind);
        Assert.Empty(body.GetProperty("expected_events").EnumerateArray());
        Assert.Equal(["OrderPlaced", "ChargeSucceeded"], body.GetProperty("forward_steps").EnumerateArray().Select(s => Text(s, "event_type")));
        Assert.Equal(["StockUnavailable", "ChargeRefunded"], body.GetProperty("compensation_steps").EnumerateArray().Select(s => Text(s, "event_type")));

        var history = body.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["start", "event", "compensation", "compensation"], history.Select(h => Text(h, "kind")));
        Assert.Equal([false, false, true, true], history.Select(h => h.GetProperty("compensation").GetBoolean()));
        Assert.Equal((null, "AwaitingPayment"), (Text(history[0], "from_step"), Text(history[0], "to_step")));
        Assert.Equal(("AwaitingStock", "Refunding"), (Text(history[2], "from_step"), Text(history[2], "to_step")));
        Assert.Equal(["event:ChargeRequested", "timeout-scheduled:OrderExpired"], history[0].GetProperty("emitted").EnumerateArray().Select(e => $"{Text(e, "kind")}:{Text(e, "type")}"));
        Assert.Equal(["event:OrderAborted", "timeout-cancelled:OrderExpired"], history[2].GetProperty("emitted").EnumerateArray().Select(e => $"{Text(e, "kind")}:{Text(e, "type")}"));
        Assert.Equal("out of stock", history[2].GetProperty("data_after").GetProperty("failureReason").GetString());
        Assert.True(!history[2].GetProperty("data_before").TryGetProperty("failureReason", out var before) || before.ValueKind == JsonValueKind.Null);
        Assert.All(history, h => Assert.NotNull(Text(h.GetProperty("event"), "topic")));

        // The second schedule superseded the first; the compensation cancelled the second.
        Assert.Equal(["cancelled", "cancelled"], body.GetProperty("timeouts").EnumerateArray().Select(t => Text(t, "state")));

        var running = (await GetAsync(sagas, $"/api/v1/sagas/shop/order-fulfilment/{sagas.Stuck}")).Body;
        Assert.Equal("OrderExpired", Text(running.GetProperty("next_timeout"), "type"));
        Assert.Equal("pending", Text(running.GetProperty("next_timeout"), "state"));
        Assert.Equal(["ChargeSucceeded", "OrderExpired"], running.GetProperty("expected_events").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task An_instance_in_postgresql_reads_the_same_way()
    {
        var sagas = await SagaConsole.Shared;

        var (status, body) = await GetAsync(sagas, $"/api/v1/sagas/billing/order-fulfilment/{sagas.Billed}");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("billing", "Completed", true), (Text(body, "source"), Text(body, "step"), body.GetProperty("completed").GetBoolean()));
        Assert.Equal(["OrderPlaced", "ChargeSucceeded", "StockReserved"], body.GetProperty("forward_steps").EnumerateArray().Select(s => Text(s, "event_type")));
        Assert.Empty(body.GetProperty("compensation_steps").EnumerateArray());
        Assert.Equal("res-" + sagas.Billed, body.GetProperty("data").GetProperty("reservationId").GetString());
    }

    [Theory]
    [InlineData("/api/v1/sagas?source=nowhere", 404, "no saga source 'nowhere'; the sources are shop, billing, notes, ledger, gone, down")]
    [InlineData("/api/v1/sagas/nowhere/order-fulfilment/x", 404, "no saga source 'nowhere'; the sources are shop, billing, notes, ledger, gone, down")]
    [InlineData("/api/v1/sagas/shop/order-fulfilment/nobody", 404, "saga source 'shop' has no order-fulfilment saga 'nobody'")]
    [InlineData("/api/v1/sagas?stuck_for=soon", 400, "stuck_for: 'soon' is not a duration; use a number and a unit, e.g. 30s, 5m, 1h30m or 2d (at most 3650d)")]
    [InlineData("/api/v1/sagas?stuck_for=99999d", 400, "stuck_for: '99999d' is not a duration; use a number and a unit, e.g. 30s, 5m, 1h30m or 2d (at most 3650d)")]
    [InlineData("/api/v1/sagas?limit=0", 400, "limit: '0' is not a number from 1 to 1000")]
    [InlineData("/api/v1/sagas?offset=-1", 400, "offset: '-1' is not a number of 0 or more")]
    [InlineData("/api/v1/sagas?include_completed=maybe", 400, "include_completed: 'maybe' is not true or false")]
    [InlineData("/api/v1/sagas?offset=9990&limit=20", 400, "offset + limit is at most 10000 across several sources; name one with source= to page further")]
    public async Task Unknown_sources_and_instances_are_404_and_bad_parameters_400_with_a_json_error(string path, int status, string error)
    {
        var sagas = await SagaConsole.Shared;

        var response = await GetAsync(sagas, path);

        Assert.Equal((HttpStatusCode)status, response.Status);
        Assert.Equal(error, Text(response.Body, "error"));
    }

    [Fact]
    public async Task A_source_that_cannot_be_read_is_503_with_its_reason()
    {
        var sagas = await SagaConsole.Shared;

        var list = await GetAsync(sagas, "/api/v1/sagas?source=notes");
        var one = await GetAsync(sagas, "/api/v1/sagas/down/order-fulfilment/x");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, list.Status);
        Assert.StartsWith("no saga tables here", Text(list.Body.GetProperty("sources")[0], "error"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, one.Status);
        Assert.StartsWith("saga source 'down' could not be read: Failed to connect to 127.0.0.1:", Text(one.Body, "error"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_sources_the_list_is_empty_and_says_how_to_add_one()
    {
        await using var server = await Herald.Testing.TestBroker.StartAsync(Herald.Testing.TestBroker.NewDataDirectory());
        using var http = new HttpClient { BaseAddress = server.HttpAddress };

        using var response = await http.GetAsync("/api/v1/sagas");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body.GetProperty("instances").EnumerateArray());
        Assert.Empty(body.GetProperty("sources").EnumerateArray());
        Assert.Equal("no saga sources configured: start herald serve with --sagas sqlite:PATH or --sagas postgres:CONNSTR", Text(body, "message"));
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(SagaConsole sagas, string path)
    {
        using var http = new HttpClient { BaseAddress = sagas.BaseAddress };
        using var response = await http.GetAsync(path);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static List<string?> Ids(JsonElement list) => [.. list.GetProperty("instances").EnumerateArray().Select(i => Text(i, "id"))];

    private static string? Text(JsonElement element, string name) => element.GetProperty(name).GetString();
}
