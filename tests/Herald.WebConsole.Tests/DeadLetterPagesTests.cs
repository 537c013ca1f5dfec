using System.Net.Http.Json;
using System.Text.Json;
using Herald.DeadLetters;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

/// <summary>
/// <c>/dlq</c>, <c>/dlq/{topic}</c> and <c>/audit</c> in Chromium: dead letters seeded with the SDK's headers through a
/// real producer; redrive and discard checked on the topics and the audit log with a real consumer.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DeadLetterPagesTests(ConsoleFixture fixture)
{
    private static readonly LocatorAssertionsToHaveTextOptions Slow = new() { Timeout = 15_000 };

    private readonly DeadLetterSeed _seed = new(fixture);

    [Fact]
    public async Task The_pages_list_dead_letter_topics_and_waiting_dead_letters_with_their_failure_headers_on_a_desktop_and_a_phone()
    {
        var (topic, dlq) = await _seed.SeedAsync(3);

        foreach (var phone in new[] { false, true })
        {
            await ConsolePage.RunAsync(fixture, phone ? "dlq-list-phone" : "dlq-list", async console =>
            {
                await console.GotoAsync("/dlq");
                Assert.Equal("Dead letters · Herald", await console.Page.TitleAsync());
                var row = console.Page.Locator($"tr[data-topic='{dlq}']");
                await Assertions.Expect(row.GetByTestId("dlq-waiting")).ToHaveTextAsync("3");
                await Assertions.Expect(row.GetByTestId("dlq-resolved")).ToHaveTextAsync("0");
                await ScreenshotForDocsAsync(console, phone ? null : "dlq.png");

                await row.GetByRole(AriaRole.Link, new() { Name = dlq }).ClickAsync();
                await console.Page.WaitForURLAsync($"**/dlq/{dlq}");
                Assert.Equal($"{dlq} · Dead letters · Herald", await console.Page.TitleAsync());
                Assert.Equal(1, await console.Page.Locator("h1").CountAsync());
                var letters = console.Page.GetByTestId("dead-letter");
                await Assertions.Expect(letters).ToHaveCountAsync(3);

                // Newest first, with the failure headers the SDK writes.
                var newest = letters.First;
                await Assertions.Expect(newest).ToHaveAttributeAsync("data-address", "0:2");
                await Assertions.Expect(newest).ToContainTextAsync(DeadLetterReasons.HandlerFailed);
                await Assertions.Expect(newest).ToContainTextAsync("System.TimeoutException");
                await Assertions.Expect(newest).ToContainTextAsync("payment service timed out for customer ***");
                await Assertions.Expect(newest).ToContainTextAsync($"{topic}:0:102");
                await Assertions.Expect(newest).ToContainTextAsync("2026-11-26 06:02:00");
                await Assertions.Expect(newest).ToContainTextAsync("billing");
                await Assertions.Expect(newest).ToContainTextAsync("order-2");
                await Assertions.Expect(newest.Locator("td.num")).ToHaveTextAsync("5");
                await Assertions.Expect(console.Page.GetByTestId("dlq-depth")).ToHaveTextAsync("3");
                await ScreenshotForDocsAsync(console, phone ? null : "dlq-topic.png");

                if (phone)
                {
                    // The table scrolls inside its wrapper; the page itself does not get wider than the screen.
                    var overflow = await console.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
                    Assert.False(overflow, "the page is wider than a phone screen");
                }
            }, phone);
        }
    }

    [Fact]
    public async Task A_redrive_without_a_reason_is_refused_and_produces_nothing()
    {
        var (topic, dlq) = await _seed.SeedAsync(1);

        await ConsolePage.RunAsync(fixture, "dlq-no-reason", async console =>
        {
            await console.GotoAsync($"/dlq/{dlq}");
            await console.Page.GetByLabel("Select dead letter 0:0").CheckAsync();

            // White space passes the browser's "required" check; the server must refuse it.
            await console.Page.GetByLabel("Reason (required)").FillAsync("   ");
            var refused = await console.Page.RunAndWaitForResponseAsync(
                () => console.Page.GetByRole(AriaRole.Button, new() { Name = "Redrive selected" }).ClickAsync(),
                r => r.Request.Method == "POST");
            Assert.Equal(200, refused.Status);
            await Assertions.Expect(console.Page.GetByTestId("action-error")).ToContainTextAsync("reason is required");
            await Assertions.Expect(console.Page.GetByLabel("Reason (required)")).ToHaveAttributeAsync("aria-invalid", "true");

            // And with no reason at all, as a client that skips the browser's check would send it.
            await console.Page.GetByLabel("Reason (required)").EvaluateAsync("e => { e.removeAttribute('required'); e.value = ''; }");
            await console.Page.GetByLabel("Select dead letter 0:0").CheckAsync();
            refused = await console.Page.RunAndWaitForResponseAsync(
                () => console.Page.GetByRole(AriaRole.Button, new() { Name = "Redrive selected" }).ClickAsync(),
                r => r.Request.Method == "POST");
            Assert.Equal(200, refused.Status);
            await Assertions.Expect(console.Page.GetByTestId("action-error")).ToContainTextAsync("reason is required");
        });

        Assert.Equal(0, _seed.EndOffset(topic));
        Assert.Empty(_seed.AuditRecords(dlq));
        Assert.Equal(1, _seed.Depth(dlq));
    }

    /// <summary>Saves a screenshot to <c>docs/console/</c> when <c>HERALD_CONSOLE_SCREENSHOTS=1</c>, so test runs do not rewrite the docs.</summary>
    private static async Task ScreenshotForDocsAsync(ConsolePage console, string? name)
    {
        if (name is null || Environment.GetEnvironmentVariable("HERALD_CONSOLE_SCREENSHOTS") != "1")
        {
            return;
        }

        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Herald.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var folder = Path.Combine(directory.FullName, "docs", "console");
        Directory.CreateDirectory(folder);
        await console.ScreenshotAsync(Path.Combine(folder, name));
    }
}
