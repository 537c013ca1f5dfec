using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

/// <summary>
/// The Sagas pages in Chromium, on the saga server (<see cref="SagaConsole"/>: instances from a real saga in SQLite and
/// PostgreSQL, a source without saga tables, a source that is down) and on the shared server, which has no sources.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class SagaPagesTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_list_puts_the_stuck_instance_first_with_its_step_hides_completed_ones_and_links_to_it()
    {
        var sagas = await SagaConsole.Shared;
        foreach (var phone in new[] { false, true })
        {
            await ConsolePage.RunAsync(fixture, phone ? "sagas-phone" : "sagas", async console =>
            {
                var page = console.Page;
                await console.GotoAsync("/sagas");
                Assert.Equal("Sagas · Herald", await page.TitleAsync());

                var rows = await Ids(page);
                Assert.Equal([sagas.Stuck, sagas.Fresh], rows.Where(id => id == sagas.Stuck || id == sagas.Fresh));
                Assert.Equal(sagas.Stuck, rows[0]);
                Assert.DoesNotContain(sagas.Completed, rows);
                Assert.DoesNotContain(sagas.Billed, rows);
                var stuck = Row(page, sagas.Stuck);
                await Assertions.Expect(stuck.Locator("td.step")).ToContainTextAsync("AwaitingPayment");
                await Assertions.Expect(stuck.GetByTestId("stuck")).ToHaveTextAsync("stuck");
                await Assertions.Expect(stuck.Locator("td").Nth(4)).ToHaveTextAsync("1 h ago");
                await Assertions.Expect(Row(page, sagas.Fresh).GetByTestId("stuck")).ToHaveCountAsync(0);
                await Assertions.Expect(page.GetByTestId("stuck-count")).ToHaveTextAsync("1");

                var awaiting = page.Locator("[data-testid=saga-states] tr[data-source=shop][data-step=AwaitingPayment]");
                await Assertions.Expect(awaiting.Locator("td.count")).ToHaveTextAsync("2");
                await Assertions.Expect(awaiting.Locator("td.stuck")).ToHaveTextAsync("1");
                await AssertFitsAsync(page);
                if (!phone)
                {
                    await ConsoleScreenshots.SaveAsync(console, "sagas");
                }

                await stuck.GetByRole(AriaRole.Link, new() { Name = sagas.Stuck }).ClickAsync();
                await Assertions.Expect(page).ToHaveURLAsync(new Uri(sagas.BaseAddress, $"/sagas/shop/order-fulfilment/{sagas.Stuck}").ToString());
                await Assertions.Expect(page.GetByTestId("saga-step")).ToHaveTextAsync("AwaitingPayment");
            }, phone, sagas.BaseAddress);
        }
    }

    [Fact]
    public async Task The_filter_form_shows_completed_ones_after_the_running_ones_and_only_stuck_ones_when_asked()
    {
        var sagas = await SagaConsole.Shared;
        await ConsolePage.RunAsync(fixture, "sagas-filter", async console =>
        {
            var page = console.Page;
            await console.GotoAsync("/sagas");
            await page.GetByLabel("Show completed").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
            await Assertions.Expect(Row(page, sagas.Completed)).ToHaveCountAsync(1);
            var rows = await Ids(page);
            Assert.True(rows.IndexOf(sagas.Fresh) < rows.IndexOf(sagas.Completed), string.Join(", ", rows));
            Assert.Contains(sagas.Billed, rows);
            await Assertions.Expect(Row(page, sagas.Completed).Locator("td.step")).ToContainTextAsync("Completed");

            await page.GetByLabel("Stuck after").FillAsync("30m");
            await page.GetByLabel("Only stuck ones").CheckAsync();
            await page.GetByLabel("Source", new() { Exact = true }).SelectOptionAsync("shop");
            await page.GetByLabel("Stuck after").PressAsync("Enter");
            await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("only_stuck=true"));
            Assert.Equal([sagas.Stuck], await Ids(page));
            await Assertions.Expect(page.GetByLabel("Stuck after")).ToHaveValueAsync("30m");

            await console.GotoAsync("/sagas?stuck_for=soon");
            await Assertions.Expect(page.GetByTestId("filter-error")).ToContainTextAsync("“soon” is not a duration");
            await Assertions.Expect(page.GetByLabel("Stuck after")).ToHaveValueAsync("5m");
        }, server: sagas.BaseAddress);
    }

    [Fact]
    public async Task The_detail_page_shows_the_three_column_timeline_with_the_compensation_marked_and_apart()
    {
        var sagas = await SagaConsole.Shared;
        foreach (var phone in new[] { false, true })
        {
            await ConsolePage.RunAsync(fixture, phone ? "saga-phone" : "saga", async console =>
            {
                var page = console.Page;
                await console.GotoAsync($"/sagas/shop/order-fulfilment/{sagas.Compensated}");
                Assert.Equal($"order-fulfilment {sagas.Compensated} · Sagas · Herald", await page.TitleAsync());
                await Assertions.Expect(page.GetByTestId("saga-step")).ToHaveTextAsync("Cancelled");
                await Assertions.Expect(page.GetByTestId("saga-version")).ToHaveTextAsync("4");
                await Assertions.Expect(page.GetByTestId("saga-next-timeout")).ToHaveTextAsync("none");
                await Assertions.Expect(page.GetByTestId("saga-data")).ToContainTextAsync("\"failureReason\": \"out of stock\"");

                var timeline = page.GetByTestId("saga-timeline");
                Assert.Equal(["Entry", "Event in", "State change", "Events out"], await timeline.Locator("thead th").AllInnerTextsAsync());
                var entries = timeline.Locator("tbody tr");
                await Assertions.Expect(entries).ToHaveCountAsync(4);
                Assert.Equal(["start", "event", "compensation", "compensation"], await entries.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)"));

                var first = entries.Nth(0);
                await Assertions.Expect(first.Locator("td.event-in")).ToContainTextAsync("OrderPlaced");
                await Assertions.Expect(first.Locator("td.state-change")).ToContainTextAsync("(start) → AwaitingPayment");
                await Assertions.Expect(first.Locator("td.state-change li")).ToHaveTextAsync(["amount: 20"]);
                await Assertions.Expect(first.Locator("td.events-out")).ToContainTextAsync("published ChargeRequested");
                await Assertions.Expect(first.Locator("td.events-out")).ToContainTextAsync("scheduled timeout OrderExpired");

                var refund = entries.Nth(2);
                await Assertions.Expect(refund.Locator("td.event-in .kind")).ToHaveTextAsync("compensation");
                await Assertions.Expect(refund.Locator("td.event-in")).ToContainTextAsync("StockUnavailable");
                await Assertions.Expect(refund.Locator("td.state-change")).ToContainTextAsync("AwaitingStock → Refunding");
                await Assertions.Expect(refund.Locator("td.state-change")).ToContainTextAsync("failureReason: null → \"out of stock\"");
                await Assertions.Expect(refund.Locator("td.events-out")).ToContainTextAsync("published OrderAborted");

                // Marked by more than colour: the badge's text, and a different background and border than a forward step.
                var backgrounds = await entries.EvaluateAllAsync<string[]>("rows => rows.map(r => getComputedStyle(r.querySelector('td')).backgroundColor)");
                Assert.NotEqual(backgrounds[1], backgrounds[2]);
                Assert.Equal(backgrounds[2], backgrounds[3]);

                Assert.Equal(["#1 OrderPlaced: (start) → AwaitingPayment", "#2 ChargeSucceeded: AwaitingPayment → AwaitingStock"], await Steps(page, "forward-steps"));
                Assert.Equal(["#3 StockUnavailable: AwaitingStock → Refunding", "#4 ChargeRefunded: Refunding → Cancelled"], await Steps(page, "compensation-steps"));
                Assert.Equal(["cancelled", "cancelled"], await page.GetByTestId("saga-timeouts").Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)"));
                await AssertFitsAsync(page);
                if (!phone)
                {
                    await ConsoleScreenshots.SaveAsync(console, "saga");
                }
            }, phone, sagas.BaseAddress);
        }
    }

    [Fact]
    public async Task A_running_instance_shows_its_next_timeout_and_the_events_it_waits_for()
    {
        var sagas = await SagaConsole.Shared;
        await ConsolePage.RunAsync(fixture, "saga-running", async console =>
        {
            var page = console.Page;
            await console.GotoAsync($"/sagas/shop/order-fulfilment/{sagas.Stuck}");
            await Assertions.Expect(page.GetByTestId("saga-next-timeout")).ToContainTextAsync("in 22 h");
            await Assertions.Expect(page.GetByTestId("saga-completed")).ToHaveTextAsync("running");
            Assert.Equal(["ChargeSucceeded", "OrderExpired"], await page.GetByTestId("saga-expected").Locator("li").AllInnerTextsAsync());
            Assert.Equal(["pending"], await page.GetByTestId("saga-timeouts").Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.state)"));
            await Assertions.Expect(page.GetByTestId("compensation-steps")).ToContainTextAsync("None: nothing was undone.");

            await console.GotoAsync($"/sagas/billing/order-fulfilment/{sagas.Billed}");
            await Assertions.Expect(page.GetByTestId("saga-step")).ToHaveTextAsync("Completed");
            await Assertions.Expect(page.GetByTestId("saga-timeline").Locator("tbody tr")).ToHaveCountAsync(3);
        }, server: sagas.BaseAddress);
    }

    [Fact]
    public async Task A_broken_source_shows_its_error_while_the_others_render()
    {
        var sagas = await SagaConsole.Shared;
        await ConsolePage.RunAsync(fixture, "sagas-broken", async console =>
        {
            var page = console.Page;
            await console.GotoAsync("/sagas");
            await Assertions.Expect(page.Locator("[data-testid=source-error][data-source=notes]")).ToContainTextAsync("could not be read: no saga tables here");
            await Assertions.Expect(page.Locator("[data-testid=source-error][data-source=ledger]")).ToContainTextAsync("could not be read: no saga tables here");
            await Assertions.Expect(page.Locator("[data-testid=source-error][data-source=gone]")).ToContainTextAsync("cannot open the database file");
            await Assertions.Expect(page.Locator("[data-testid=source-error][data-source=down]")).ToContainTextAsync("Connection refused");
            await Assertions.Expect(page.Locator("[data-testid=source-error]")).ToHaveCountAsync(4);
            await Assertions.Expect(page.Locator("[data-testid=saga-sources] tr[data-source=shop] td").Nth(2)).ToHaveTextAsync("ok");
            await Assertions.Expect(Row(page, sagas.Stuck)).ToHaveCountAsync(1);

            await console.GotoAsync("/sagas/notes/order-fulfilment/x");
            await Assertions.Expect(page.GetByTestId("source-error")).ToContainTextAsync("no saga tables here");
        }, server: sagas.BaseAddress);
    }

    [Fact]
    public async Task An_unknown_instance_or_source_says_so_with_a_way_back()
    {
        var sagas = await SagaConsole.Shared;
        await ConsolePage.RunAsync(fixture, "saga-missing", async console =>
        {
            var page = console.Page;
            await console.GotoAsync("/sagas/shop/order-fulfilment/nobody");
            await Assertions.Expect(page.GetByTestId("saga-missing")).ToContainTextAsync("Source shop has no order-fulfilment saga “nobody”");
            await page.GetByRole(AriaRole.Link, new() { Name = "See its order-fulfilment instances" }).ClickAsync();
            await Assertions.Expect(Row(page, sagas.Stuck)).ToHaveCountAsync(1);

            await console.GotoAsync("/sagas/nowhere/order-fulfilment/x");
            await Assertions.Expect(page.GetByTestId("saga-missing")).ToContainTextAsync("There is no saga source named “nowhere”");
        }, server: sagas.BaseAddress);
    }

    [Fact]
    public async Task Without_sources_the_page_says_how_to_configure_them()
    {
        await ConsolePage.RunAsync(fixture, "sagas-unconfigured", async console =>
        {
            var page = console.Page;
            await console.GotoAsync("/sagas");
            var notice = page.GetByTestId("sagas-not-configured");
            await Assertions.Expect(notice).ToContainTextAsync("No saga sources configured");
            await Assertions.Expect(notice).ToContainTextAsync("herald serve --sagas sqlite:");
            await Assertions.Expect(notice).ToContainTextAsync("postgres:");
            await Assertions.Expect(page.Locator("[data-testid=saga-instances]")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task The_saga_pages_have_no_axe_violations_on_a_desktop_or_a_phone()
    {
        var sagas = await SagaConsole.Shared;
        foreach (var phone in new[] { false, true })
        {
            foreach (var path in new[] { "/sagas?completed=true", $"/sagas/shop/order-fulfilment/{sagas.Compensated}" })
            {
                await ConsolePage.RunAsync(fixture, "sagas-axe" + (phone ? "-phone" : ""), async console =>
                {
                    var page = console.Page;
                    await console.GotoAsync(path);
                    await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
                    await Assertions.Expect(page.Locator("thead th:not([scope=col])")).ToHaveCountAsync(0);
                    await Assertions.Expect(page.Locator("table:not(:has(caption))")).ToHaveCountAsync(0);
                    var result = await page.RunAxe(new AxeRunOptions
                    {
                        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
                    });
                    var violations = result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
                    Assert.True(violations.Count == 0, $"{path}{(phone ? " on a phone" : "")}:\n" + string.Join('\n', violations));
                }, phone, sagas.BaseAddress);
            }
        }
    }

    private static ILocator Row(IPage page, string id) => page.Locator($"[data-testid=saga-instances] tr[data-saga-id='{id}']");

    private static async Task<List<string>> Ids(IPage page) =>
        [.. await page.Locator("[data-testid=saga-instances] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sagaId)")];

    private static async Task<string[]> Steps(IPage page, string testId) =>
        [.. (await page.GetByTestId(testId).Locator("li").AllInnerTextsAsync()).Select(s => string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))];

    /// <summary>No sideways scrolling of the page itself (a wide table scrolls inside its own box).</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window");
    }
}
