using System.Net;
using System.Text.RegularExpressions;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SchemasPageTests(ConsoleFixture fixture) : IDisposable
{
    private readonly SchemaRegistryRest registry = new(fixture.Server.RegistryAddress);

    public void Dispose() => registry.Dispose();

    private static string Path(string subject) => "/schemas/" + Uri.EscapeDataString(subject);

    [Fact]
    public async Task The_latest_two_versions_are_diffed_with_the_added_field_highlighted_and_backward_compatible()
    {
        var subject = TestBroker.UniqueName("customers") + "-value";
        await registry.RegisterAllAsync(subject, "AVRO", SchemaSamples.AvroV1, SchemaSamples.AvroV2);
        Assert.Equal(HttpStatusCode.Conflict, await registry.RegisterAsync(subject, SchemaSamples.AvroV3));

        await ConsolePage.RunAsync(fixture, "schemas-subject-backward", async console =>
        {
            await console.GotoAsync(Path(subject));
            var page = console.Page;
            Assert.Equal($"{subject} · Schemas · Herald", await page.TitleAsync());
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(subject);
            Assert.Equal("1", await page.Locator("#from").InputValueAsync());
            Assert.Equal("1", await page.Locator("#from option[selected]").InnerTextAsync());
            Assert.Equal("2", await page.Locator("#to").InputValueAsync());

            var added = page.Locator(".diff .added").Filter(new() { HasText = "\"email\"" });
            await Assertions.Expect(added).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator(".diff .removed").Filter(new() { HasText = "\"email\"" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("verdict-BACKWARD")).ToHaveTextAsync("Compatible");
            await Assertions.Expect(page.Locator("tr[data-level=BACKWARD]")).ToHaveClassAsync("current");

            var change = page.Locator("table.changes tr[data-change=added]");
            await Assertions.Expect(change).ToHaveCountAsync(1);
            await Assertions.Expect(change).ToContainTextAsync("email");
            await Assertions.Expect(change.Locator("td").Nth(2)).ToHaveTextAsync("safe");
            await Assertions.Expect(page.GetByTestId("change-summary")).ToContainTextAsync("1 added, 0 removed, 0 changed");
        });
    }

    [Fact]
    public async Task A_required_field_added_under_NONE_shows_the_broken_rule_and_the_version_selects_choose_the_pair()
    {
        var subject = TestBroker.UniqueName("accounts") + "-value";
        await registry.SetCompatibilityAsync(subject, "NONE");
        await registry.RegisterAllAsync(subject, "AVRO", SchemaSamples.AvroV1, SchemaSamples.AvroV2, SchemaSamples.AvroV3);

        await ConsolePage.RunAsync(fixture, "schemas-subject-none", async console =>
        {
            var page = console.Page;
            await console.GotoAsync(Path(subject));
            await Assertions.Expect(page.GetByTestId("subject-level")).ToHaveTextAsync("NONE");
            await Assertions.Expect(page.Locator(".diff .added").Filter(new() { HasText = "\"phone\"" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.GetByTestId("verdict-NONE")).ToHaveTextAsync("Compatible");
            await Assertions.Expect(page.Locator("tr[data-level=NONE]")).ToHaveClassAsync("current");
            await Assertions.Expect(page.GetByTestId("verdict-BACKWARD")).ToHaveTextAsync("Not compatible");
            var violation = page.Locator("tr[data-level=BACKWARD] li");
            await Assertions.Expect(violation).ToHaveCountAsync(1);
            await Assertions.Expect(violation).ToContainTextAsync("READER_FIELD_MISSING_DEFAULT_VALUE");
            await Assertions.Expect(violation).ToContainTextAsync("phone");
            await Assertions.Expect(violation).ToContainTextAsync("version 2, backward");

            // Adding a field breaks no old reader: forward stays compatible; FULL has the backward violation.
            await Assertions.Expect(page.GetByTestId("verdict-FORWARD")).ToHaveTextAsync("Compatible");
            await Assertions.Expect(page.GetByTestId("verdict-FULL")).ToHaveTextAsync("Not compatible");
            await Assertions.Expect(page.Locator("table.changes tr[data-change=added]")).ToContainTextAsync("phone");
            await ConsoleScreenshots.SaveAsync(console, "schemas-subject");

            await page.Locator("#from").SelectOptionAsync("1");
            await page.Locator("#to").SelectOptionAsync("2");
            await page.Locator("#compare").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("from=1&to=2"));
            await Assertions.Expect(page.Locator(".diff .added").Filter(new() { HasText = "\"email\"" })).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator(".diff .added").Filter(new() { HasText = "\"phone\"" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.GetByTestId("verdict-BACKWARD")).ToHaveTextAsync("Compatible");
            await Assertions.Expect(page.Locator("#diff-old")).ToContainTextAsync("Version 1");
            await Assertions.Expect(page.Locator("#diff-new")).ToContainTextAsync("Version 2");

            // The transitive levels compare with every version up to the older one: 1 vs 3 checks 3 against version 1 only.
            await page.Locator("#from").SelectOptionAsync("3");
            await page.Locator("#to").SelectOptionAsync("1");
            await page.Locator("#compare").ClickAsync();
            await Assertions.Expect(page.Locator("#diff-old")).ToContainTextAsync("Version 1");
            await Assertions.Expect(page.Locator("#diff-new")).ToContainTextAsync("Version 3");
            await Assertions.Expect(page.Locator("tr[data-level=BACKWARD_TRANSITIVE] td").First).ToHaveTextAsync("version 1");

            await page.GetByRole(AriaRole.Link, new() { Name = "Show version 1" }).ClickAsync();
            await Assertions.Expect(page.Locator("#schema")).ToHaveTextAsync("Schema, version 1");
            await Assertions.Expect(page.GetByTestId("schema-text")).Not.ToContainTextAsync("email");
            await Assertions.Expect(page.GetByTestId("schema-text")).ToContainTextAsync("\"name\": \"id\"");
        });
    }

    [Fact]
    public async Task The_version_selects_and_the_compare_button_work_from_the_keyboard_alone()
    {
        var subject = TestBroker.UniqueName("keyboard") + "-value";
        await registry.SetCompatibilityAsync(subject, "NONE");
        await registry.RegisterAllAsync(subject, "AVRO", SchemaSamples.AvroV1, SchemaSamples.AvroV2, SchemaSamples.AvroV3);

        await ConsolePage.RunAsync(fixture, "schemas-keyboard", async console =>
        {
            var page = console.Page;
            await console.GotoAsync(Path(subject));
            var reached = new List<string>();
            for (int i = 0; i < 30 && !reached.Contains("compare"); i++)
            {
                await page.Keyboard.PressAsync("Tab");
                reached.Add(await page.EvaluateAsync<string>("() => document.activeElement.id"));
                if (reached[^1] == "from")
                {
                    // On a closed select the arrow keys change the choice: 2 becomes 1.
                    await page.Keyboard.PressAsync("ArrowUp");
                }
            }

            Assert.Contains("from", reached);
            Assert.Contains("to", reached);
            Assert.True(reached.IndexOf("from") < reached.IndexOf("to") && reached.IndexOf("to") < reached.IndexOf("compare"), string.Join(",", reached));
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("from=1&to=3"));
            await Assertions.Expect(page.Locator("#diff-old")).ToContainTextAsync("Version 1");
        });
    }

    [Fact]
    public async Task The_subject_list_shows_versions_type_level_and_refused_registrations()
    {
        var avro = TestBroker.UniqueName("list-avro") + "-value";
        var json = TestBroker.UniqueName("list-json") + "-<b>value";
        await registry.RegisterAllAsync(avro, "AVRO", SchemaSamples.AvroV1, SchemaSamples.AvroV2);
        Assert.Equal(HttpStatusCode.Conflict, await registry.RegisterAsync(avro, SchemaSamples.AvroV3));
        await registry.SetCompatibilityAsync(json, "FULL");
        await registry.RegisterAllAsync(json, "JSON", SchemaSamples.JsonV1);

        foreach (var phone in new[] { false, true })
        {
            await ConsolePage.RunAsync(fixture, phone ? "schemas-list-phone" : "schemas-list", async console =>
            {
                var page = console.Page;
                await console.GotoAsync("/schemas?q=" + Uri.EscapeDataString(avro));
                Assert.Equal("Schemas · Herald", await page.TitleAsync());
                var row = page.Locator("table[data-testid=subjects] tbody tr");
                await Assertions.Expect(row).ToHaveCountAsync(1);
                var cells = row.Locator("td");
                await Assertions.Expect(cells.Nth(0)).ToHaveTextAsync(avro);
                await Assertions.Expect(cells.Nth(1)).ToHaveTextAsync("2");
                await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync("AVRO");
                await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync("BACKWARD");
                await Assertions.Expect(cells.Nth(4)).ToHaveTextAsync("2");
                await Assertions.Expect(cells.Nth(5)).ToHaveTextAsync("1");

                // A subject name is text, never markup.
                await page.Locator("#subject-filter").FillAsync(json);
                await page.Locator("#subject-filter").PressAsync("Enter");
                await Assertions.Expect(row).ToHaveCountAsync(1);
                await Assertions.Expect(cells.Nth(0)).ToHaveTextAsync(json);
                await Assertions.Expect(cells.Nth(2)).ToHaveTextAsync("JSON");
                await Assertions.Expect(cells.Nth(3)).ToHaveTextAsync("FULL");
                Assert.Equal(0, await page.Locator("table b").CountAsync());
                await AssertNoHorizontalScrollAsync(page);

                await cells.Nth(0).Locator("a").ClickAsync();
                await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(json);
                await Assertions.Expect(page.Locator("main")).ToContainTextAsync("one version");
                await AssertNoHorizontalScrollAsync(page);

                if (!phone)
                {
                    await page.GotoAsync("/schemas");
                    await ConsoleScreenshots.SaveAsync(console, "schemas");
                }
            }, phone);
        }
    }

    [Fact]
    public async Task An_unknown_subject_says_so_with_a_way_back()
    {
        await ConsolePage.RunAsync(fixture, "schemas-unknown", async console =>
        {
            await console.GotoAsync(Path(TestBroker.UniqueName("missing")));
            await Assertions.Expect(console.Page.Locator("main [role=alert]")).ToContainTextAsync("has a live version");
            await Assertions.Expect(console.Page.Locator("main [role=alert] a[href='/schemas']")).ToBeVisibleAsync();
        });
    }

    /// <summary>Tables and diffs scroll inside their own boxes; the page itself never scrolls sideways.</summary>
    private static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window");
    }
}
