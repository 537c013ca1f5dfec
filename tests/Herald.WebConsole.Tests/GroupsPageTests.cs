using System.Globalization;
using System.Text.Json;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class GroupsPageTests(ConsoleFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 30_000 };

    private readonly GroupSeed _seed = new(fixture);

    [Fact]
    public async Task A_stopped_groups_lag_equals_the_api_and_metrics_has_a_chart_and_updates_without_reload()
    {
        var (topic, group) = (TestBroker.UniqueName("lagging"), TestBroker.UniqueName("stopped"));
        await _seed.CreateTopicAsync(topic, 2);
        await _seed.ProduceAsync(topic, 0, 5);
        await _seed.ProduceAsync(topic, 1, 3);
        _seed.Commit(group, topic, (0, 2), (1, 1));

        await ConsolePage.RunAsync(fixture, "group-lag", async console =>
        {
            await console.GotoAsync($"/groups/{group}");
            var page = console.Page;
            Assert.Equal($"Group {group} · Herald", await page.TitleAsync());
            Assert.Equal(1, await page.Locator("h1").CountAsync());

            var api = (await _seed.GroupAsync(group))!.Value;
            var metrics = await _seed.MetricsLagAsync(group);
            Assert.Equal(api.GetProperty("total_lag_messages").GetInt64().ToString(CultureInfo.InvariantCulture), await page.GetByTestId("group-total-lag").InnerTextAsync());
            Assert.Equal("5", await page.GetByTestId("group-total-lag").InnerTextAsync());
            Assert.Equal("Empty", await page.GetByTestId("group-state").InnerTextAsync());
            Assert.Equal("0", await page.GetByTestId("group-members").InnerTextAsync());
            foreach (var partition in api.GetProperty("partitions").EnumerateArray())
            {
                var row = Row(page, topic, partition.GetProperty("partition").GetInt32());
                var lag = partition.GetProperty("lag_messages").GetInt64();
                Assert.Equal(lag.ToString(CultureInfo.InvariantCulture), await row.Locator("td.lag").InnerTextAsync());
                Assert.Equal(lag, metrics[(topic, partition.GetProperty("partition").GetInt32())]);
                Assert.Equal(partition.GetProperty("committed_offset").GetInt64().ToString(CultureInfo.InvariantCulture), await row.Locator("td.committed").InnerTextAsync());
                Assert.Equal(partition.GetProperty("end_offset").GetInt64().ToString(CultureInfo.InvariantCulture), await row.Locator("td.end").InnerTextAsync());
                AssertSecondsClose(partition.GetProperty("lag_seconds").GetDouble(), await row.Locator("td.lag-seconds").InnerTextAsync());
            }

            Assert.Equal(2, metrics.Count);
            AssertSecondsClose(api.GetProperty("max_lag_seconds").GetDouble(), await page.GetByTestId("group-max-lag-seconds").InnerTextAsync());
            await Assertions.Expect(page.Locator(".chart-canvas").First).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = 20_000 });
            Assert.Equal(2, await page.Locator(".chart-canvas canvas").CountAsync());

            await page.EvaluateAsync("() => window.notReloaded = true");
            await _seed.ProduceAsync(topic, 0, 4);
            await Assertions.Expect(Row(page, topic, 0).Locator("td.lag")).ToHaveTextAsync("7", Live);
            await Assertions.Expect(page.GetByTestId("group-total-lag")).ToHaveTextAsync("9", Live);
            Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
            await ScreenshotAsync(console, "group.png");
        });
    }

    [Fact]
    public async Task The_groups_list_puts_stopped_groups_first_and_updates_without_reload()
    {
        var (topic, otherTopic) = (TestBroker.UniqueName("listed"), TestBroker.UniqueName("read"));
        var (caughtUp, stopped) = (TestBroker.UniqueName("a-caught-up"), TestBroker.UniqueName("z-stopped"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.CreateTopicAsync(otherTopic, 1);
        await _seed.ProduceAsync(topic, 0, 3);
        await _seed.ProduceAsync(otherTopic, 0, 3);
        _seed.Commit(caughtUp, otherTopic, (0, 3));
        _seed.Commit(stopped, topic, (0, 1));

        foreach (var phone in new[] { true, false })
        {
            await ConsolePage.RunAsync(fixture, phone ? "groups-phone" : "groups", async console =>
            {
                await console.GotoAsync("/groups");
                var page = console.Page;
                Assert.Equal("Consumer groups · Herald", await page.TitleAsync());
                var groups = await page.Locator("tr[data-group]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.group)");
                Assert.True(Array.IndexOf(groups, stopped) < Array.IndexOf(groups, caughtUp), string.Join(", ", groups));
                var row = page.Locator($"tr[data-group='{stopped}']");
                Assert.Equal("stopped, behind", await row.Locator("td.status").InnerTextAsync());
                Assert.Equal("2", await row.Locator("td.lag").InnerTextAsync());
                Assert.Equal("0", await page.Locator($"tr[data-group='{caughtUp}'] td.lag").InnerTextAsync());
                await AssertFitsAsync(page);
                if (!phone)
                {
                    await page.EvaluateAsync("() => window.notReloaded = true");
                    await _seed.ProduceAsync(topic, 0, 2);
                    await Assertions.Expect(row.Locator("td.lag")).ToHaveTextAsync("4", Live);
                    Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"));
                    await ScreenshotAsync(console, "groups.png");
                }
            }, phone);
        }
    }

    [Fact]
    public async Task A_reset_preview_changes_nothing_and_apply_needs_a_reason_then_moves_the_offset_and_is_audited()
    {
        var (topic, group) = (TestBroker.UniqueName("replay"), TestBroker.UniqueName("replayer"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.ProduceAsync(topic, 0, 10);
        _seed.Commit(group, topic, (0, 8));

        await ConsolePage.RunAsync(fixture, "group-reset", async console =>
        {
            var page = console.Page;
            await console.GotoAsync($"/groups/{group}");
            await page.GetByLabel("Topic").FillAsync(topic);
            await page.GetByLabel("Move to").SelectOptionAsync("shift");
            await page.GetByLabel("N (for \"shift by N\")").FillAsync("-5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();

            var plan = page.GetByTestId("reset-plan");
            await Assertions.Expect(plan.Locator("tr[data-partition='0'] td.current")).ToHaveTextAsync("8");
            await Assertions.Expect(plan.Locator("tr[data-partition='0'] td.new")).ToHaveTextAsync("3");
            Assert.Equal(8, await _seed.CommittedAsync(group, topic, 0));
            await page.GetByLabel("Reason").FillAsync("replay the last five after the fix for #42");
            await ScreenshotAsync(console, "group-reset-preview.png");

            await page.GetByLabel("Reason").FillAsync("   ");
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply reset" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("reset-refused")).ToContainTextAsync("a reason is required");
            Assert.Equal(8, await _seed.CommittedAsync(group, topic, 0));
            Assert.Empty(_seed.AuditRecords(group));

            await page.GetByLabel("Reason").FillAsync("replay the last five after the fix for #42");
            await page.GetByRole(AriaRole.Button, new() { Name = "Apply reset" }).ClickAsync();
            var applied = page.GetByTestId("reset-applied");
            await Assertions.Expect(applied).ToContainTextAsync($"Reset {group} on {topic} to shift-by -5 by console@");
            await Assertions.Expect(applied).ToContainTextAsync("because: “replay the last five after the fix for #42”");
            await Assertions.Expect(applied).ToContainTextAsync("partition 0 from 8 to 3");
            await ScreenshotAsync(console, "group-reset-applied.png");
            Assert.Equal(3, await _seed.CommittedAsync(group, topic, 0));
            await Assertions.Expect(Row(page, topic, 0).Locator("td.committed")).ToHaveTextAsync("3");

            var audit = Assert.Single(_seed.AuditRecords(group));
            Assert.Equal("group.reset-offsets", audit.GetProperty("action").GetString());
            Assert.Equal("replay the last five after the fix for #42", audit.GetProperty("reason").GetString());
            Assert.Equal(group, audit.GetProperty("group").GetString());
            Assert.Equal(topic, audit.GetProperty("topic").GetString());
            Assert.False(string.IsNullOrEmpty(audit.GetProperty("who").GetString()));
            Assert.True(DateTimeOffset.TryParse(audit.GetProperty("at").GetString(), CultureInfo.InvariantCulture, out _));
            var moved = Assert.Single(audit.GetProperty("partitions").EnumerateArray());
            Assert.Equal((0, 8L, 3L), (moved.GetProperty("partition").GetInt32(), moved.GetProperty("from").GetInt64(), moved.GetProperty("to").GetInt64()));

            // The result page came from a redirect: reloading it shows the result and shifts nothing again.
            await page.ReloadAsync();
            Assert.Equal(3, await _seed.CommittedAsync(group, topic, 0));
            Assert.Single(_seed.AuditRecords(group));

            // The result is read back from the audit record, so a hand-made link shows no result.
            foreach (var offset in new[] { "abc", "999999999", "-1" })
            {
                await console.GotoAsync($"/groups/{group}?audit={offset}");
                Assert.Equal(0, await page.GetByTestId("reset-applied").CountAsync());
            }
        });
    }

    [Fact]
    public async Task A_reset_is_refused_while_the_group_has_an_active_member()
    {
        var (topic, group) = (TestBroker.UniqueName("busy"), TestBroker.UniqueName("active"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.ProduceAsync(topic, 0, 6);
        _seed.Commit(group, topic, (0, 4));

        await ConsolePage.RunAsync(fixture, "group-reset-active", async console =>
        {
            var page = console.Page;
            await console.GotoAsync($"/groups/{group}?topic={topic}&mode=earliest");
            await Assertions.Expect(page.GetByTestId("reset-plan").Locator("tr[data-partition='0'] td.new")).ToHaveTextAsync("0");

            await using (await _seed.StartMemberAsync(group, topic))
            {
                await page.GetByLabel("Reason").FillAsync("start over");
                await page.GetByRole(AriaRole.Button, new() { Name = "Apply reset" }).ClickAsync();
                await Assertions.Expect(page.GetByTestId("reset-refused")).ToContainTextAsync("active member");
                Assert.Equal(4, await _seed.CommittedAsync(group, topic, 0));

                await console.GotoAsync($"/groups/{group}?topic={topic}&mode=earliest");
                await Assertions.Expect(page.GetByTestId("reset-refused")).ToContainTextAsync("has 1 active member(s) (state Stable)");
                Assert.Equal(0, await page.GetByRole(AriaRole.Button, new() { Name = "Apply reset" }).CountAsync());
                Assert.Equal("1", await page.GetByTestId("group-members").InnerTextAsync());
                Assert.Contains("console-test-member", await page.GetByTestId("members-table").InnerTextAsync(), StringComparison.Ordinal);
            }

            Assert.Equal(4, await _seed.CommittedAsync(group, topic, 0));
            Assert.Empty(_seed.AuditRecords(group));
        });
    }

    [Fact]
    public async Task The_keyboard_alone_reaches_the_reset_forms_fields_and_buttons_and_applies_a_reset()
    {
        var (topic, group) = (TestBroker.UniqueName("keys"), TestBroker.UniqueName("keyboard"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.ProduceAsync(topic, 0, 2);
        _seed.Commit(group, topic, (0, 1));

        await ConsolePage.RunAsync(fixture, "group-keyboard", async console =>
        {
            var page = console.Page;
            await console.GotoAsync($"/groups/{group}?topic={topic}&mode=latest");
            string[] fields = ["reset-topic", "reset-mode", "reset-at", "reset-shift", "reset-preview"];
            var reached = new List<string>();
            for (var i = 0; i < 80 && !reached.Contains("reset-reason"); i++)
            {
                await page.Keyboard.PressAsync("Tab");
                reached.Add(await ActiveElementAsync(page));
            }

            Assert.All([.. fields, "reset-reason"], id => Assert.Contains(id, reached));
            // A datetime-local input takes one Tab per part (day, month, year, ...).
            Assert.Equal(fields, reached.Where(fields.Contains).Distinct());

            await page.Keyboard.TypeAsync("skip the backlog");
            await page.Keyboard.PressAsync("Tab");
            Assert.Equal("reset-apply", await ActiveElementAsync(page));
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("reset-applied")).ToBeVisibleAsync();
            Assert.Equal(2, await _seed.CommittedAsync(group, topic, 0));
        });
    }

    [Fact]
    public async Task The_group_page_fits_a_phone_and_takes_group_ids_with_slashes_and_spaces()
    {
        var (topic, group) = (TestBroker.UniqueName("phone"), TestBroker.UniqueName("team/phone app"));
        await _seed.CreateTopicAsync(topic, 1);
        await _seed.ProduceAsync(topic, 0, 3);
        _seed.Commit(group, topic, (0, 1));

        await ConsolePage.RunAsync(fixture, "group-phone", async console =>
        {
            var page = console.Page;
            await console.GotoAsync("/groups");
            await page.GetByRole(AriaRole.Link, new() { Name = group, Exact = true }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("group-total-lag")).ToHaveTextAsync("2");
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(group);
            await Assertions.Expect(page.Locator(".chart-canvas").First).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = 20_000 });

            await page.GetByLabel("Topic").FillAsync(topic);
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("reset-plan").Locator("tr[data-partition='0'] td.new")).ToHaveTextAsync("0");
            await AssertFitsAsync(page);
        }, phone: true);
    }

    /// <summary>Nothing but a table's own scroller is wider than the window.</summary>
    private static async Task AssertFitsAsync(IPage page)
    {
        var tooWide = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
                .filter(e => !e.closest('.table-wrap') && e.getBoundingClientRect().right > window.innerWidth + 1)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''))
            """);
        Assert.True(tooWide.Length == 0 && await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "wider than the window: " + string.Join(", ", tooWide));
    }

    private static Task<string> ActiveElementAsync(IPage page) => page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''");

    private static ILocator Row(IPage page, string topic, int partition) =>
        page.GetByTestId("partitions-table").Locator($"tr[data-topic='{topic}'][data-partition='{partition}']");

    private static void AssertSecondsClose(double expected, string shown)
    {
        var value = double.Parse(shown, CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(value - expected) <= 5, $"page shows {shown} s, the API {expected} s");
    }

    /// <summary>
    /// Saves the page to docs/console/ when <c>HERALD_CONSOLE_SCREENSHOTS=1</c>, so ordinary test runs leave the tracked
    /// screenshots alone.
    /// </summary>
    private static async Task ScreenshotAsync(ConsolePage console, string name)
    {
        if (Environment.GetEnvironmentVariable("HERALD_CONSOLE_SCREENSHOTS") != "1")
        {
            return;
        }

        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Herald.slnx")))
        {
            root = root.Parent;
        }

        if (root is not null)
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "docs", "console"));
            await console.ScreenshotAsync(Path.Combine(root.FullName, "docs", "console", name));
        }
    }
}
