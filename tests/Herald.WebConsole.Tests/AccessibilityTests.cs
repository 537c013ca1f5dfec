using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

/// <summary>
/// The console shell and the overview and schema pages from the keyboard and a screen reader's point of view: the skip
/// link, the main navigation in order, one heading and landmark each, column headers, and axe-core's WCAG 2 A/AA rules.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class AccessibilityTests(ConsoleFixture fixture) : IAsyncLifetime
{
    private static readonly string[] NavLinks = ["/", "/topics", "/groups", "/dlq", "/schemas", "/sagas", "/audit"];

    private readonly string subject = TestBroker.UniqueName("a11y") + "-value";

    public async Task InitializeAsync()
    {
        using var registry = new SchemaRegistryRest(fixture.Server.RegistryAddress);
        await registry.RegisterAllAsync(subject, "AVRO", SchemaSamples.AvroV1, SchemaSamples.AvroV2);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private IEnumerable<string> Pages() => ["/", "/schemas", "/schemas/" + Uri.EscapeDataString(subject), "/sagas"];

    [Fact]
    public async Task The_first_tab_focuses_the_skip_link_and_enter_moves_focus_to_main()
    {
        foreach (var path in Pages())
        {
            await ConsolePage.RunAsync(fixture, "a11y-skip" + path.Replace('/', '-'), async console =>
            {
                var page = console.Page;
                await console.GotoAsync(path);
                await page.Keyboard.PressAsync("Tab");
                var skip = page.Locator(":focus");
                await Assertions.Expect(skip).ToHaveTextAsync("Skip to content");
                await Assertions.Expect(skip).ToBeInViewportAsync();
                await page.Keyboard.PressAsync("Enter");
                await Assertions.Expect(page.Locator("main#main")).ToBeFocusedAsync();

                // Tab from main goes on into the page's content (or past it), never back to the navigation.
                await page.Keyboard.PressAsync("Tab");
                Assert.True(
                    await page.EvaluateAsync<bool>("() => !document.querySelector('header').contains(document.activeElement) && document.activeElement !== document.body"),
                    $"{path}: Tab after the skip link went back to the header");
            });
        }
    }

    [Fact]
    public async Task Tab_reaches_every_navigation_link_in_order()
    {
        foreach (var path in Pages())
        {
            await ConsolePage.RunAsync(fixture, "a11y-nav" + path.Replace('/', '-'), async console =>
            {
                var page = console.Page;
                await console.GotoAsync(path);
                var links = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('nav[aria-label=Main] a')].map(a => a.getAttribute('href'))");
                Assert.Superset(NavLinks.ToHashSet(), links.ToHashSet());
                var reached = new List<string>();
                for (int i = 0; i < links.Length + 6 && reached.Count < links.Length; i++)
                {
                    await page.Keyboard.PressAsync("Tab");
                    var href = await page.EvaluateAsync<string?>("() => document.activeElement.closest('nav[aria-label=Main]') ? document.activeElement.getAttribute('href') : null");
                    if (href is not null)
                    {
                        reached.Add(href);
                    }
                }

                Assert.Equal(links, reached);
            });
        }
    }

    [Fact]
    public async Task Each_page_has_a_title_one_h1_one_main_column_headers_no_sideways_scroll_and_no_axe_violations()
    {
        foreach (var phone in new[] { false, true })
        {
            foreach (var path in Pages())
            {
                await ConsolePage.RunAsync(fixture, "a11y-axe" + path.Replace('/', '-') + (phone ? "-phone" : ""), async console =>
                {
                    var page = console.Page;
                    await console.GotoAsync(path);
                    Assert.EndsWith(" · Herald", await page.TitleAsync(), StringComparison.Ordinal);
                    await Assertions.Expect(page.Locator("h1")).ToHaveCountAsync(1);
                    await Assertions.Expect(page.Locator("main")).ToHaveCountAsync(1);
                    await Assertions.Expect(page.Locator("thead th:not([scope=col])")).ToHaveCountAsync(0);
                    await Assertions.Expect(page.Locator("input:not([type=hidden]):not([id]), select:not([id])")).ToHaveCountAsync(0);

                    var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                    Assert.True(widths[0] <= widths[1], $"{path}: the page is {widths[0]} px wide in a {widths[1]} px window");

                    var result = await page.RunAxe(new AxeRunOptions
                    {
                        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
                    });
                    var violations = result.Violations
                        .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join("; ", v.Nodes.Select(n => n.Target?.ToString()))}")
                        .ToList();
                    Assert.True(violations.Count == 0, $"{path}{(phone ? " on a phone" : "")}:\n" + string.Join('\n', violations));
                }, phone);
            }
        }
    }
}
