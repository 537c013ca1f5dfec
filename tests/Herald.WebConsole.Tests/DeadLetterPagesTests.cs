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
    private static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 15_000 };

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

    [Fact]
    public async Task A_redrive_with_a_reason_puts_the_record_back_on_its_topic_lowers_the_depth_and_adds_an_audit_row()
    {
        var (topic, dlq) = await _seed.SeedAsync(2);
        const string Reason = "payment service is back; customer confirmed the order";

        await ConsolePage.RunAsync(fixture, "dlq-redrive", async console =>
        {
            await console.GotoAsync($"/dlq/{dlq}");
            await Assertions.Expect(console.Page.GetByTestId("dlq-depth")).ToHaveTextAsync("2");
            await console.Page.GetByLabel("Select dead letter 0:1").CheckAsync();
            await console.Page.GetByLabel("Reason (required)").FillAsync(Reason);
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Redrive selected" }).ClickAsync();

            await Assertions.Expect(console.Page.GetByTestId("action-result")).ToContainTextAsync("Redrove 1 dead letter(s)");
            await Assertions.Expect(console.Page.GetByTestId("dlq-depth")).ToHaveTextAsync("1");
            await Assertions.Expect(console.Page.GetByTestId("dead-letter")).ToHaveCountAsync(1);
            await Assertions.Expect(console.Page.GetByTestId("dead-letter")).ToHaveAttributeAsync("data-address", "0:0");

            await console.GotoAsync("/dlq");
            await Assertions.Expect(console.Page.Locator($"tr[data-topic='{dlq}']").GetByTestId("dlq-waiting")).ToHaveTextAsync("1");
            await Assertions.Expect(console.Page.Locator($"tr[data-topic='{dlq}']").GetByTestId("dlq-resolved")).ToHaveTextAsync("1");

            await console.GotoAsync("/audit");
            Assert.Equal("Audit · Herald", await console.Page.TitleAsync());
            var row = console.Page.GetByTestId("audit-row").Filter(new() { HasText = Reason });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync("dlq.redrive");
            await Assertions.Expect(row).ToContainTextAsync("console@127.0.0.1");
            await Assertions.Expect(row).ToContainTextAsync(dlq);
            await Assertions.Expect(row).ToContainTextAsync($"1 redriven to {topic}");
            await ScreenshotForDocsAsync(console, "audit.png");
        });

        // The record is back on its original topic, as `herald dlq redrive` would have put it there.
        var redriven = Assert.Single(_seed.Read(topic, 0));
        Assert.Equal(DeadLetterSeed.Key(1), redriven.Message.Key);
        Assert.Equal(DeadLetterSeed.Payload(1), redriven.Message.Value);
        Assert.Equal($"{dlq}:0:1", DeadLetterSeed.Header(redriven, DeadLetterHeaders.RedrivenFrom));
        Assert.Equal(Reason, DeadLetterSeed.Header(redriven, DeadLetterHeaders.RedriveReason));
        Assert.Equal("OrderPlaced", DeadLetterSeed.Header(redriven, Herald.Contracts.EnvelopeHeaders.EventType));
        Assert.Equal("checkout-1", DeadLetterSeed.Header(redriven, Herald.Contracts.EnvelopeHeaders.CorrelationId));
        Assert.DoesNotContain(redriven.Message.Headers, h => h.Key.StartsWith("herald.dlq.", StringComparison.Ordinal));

        // One audit record, in the CLI's format: the broker's depth reads it.
        var audit = Assert.Single(_seed.AuditRecords(dlq));
        Assert.Equal("dlq.redrive", audit.GetProperty("action").GetString());
        Assert.Equal("console@127.0.0.1", audit.GetProperty("who").GetString());
        Assert.Equal(Reason, audit.GetProperty("reason").GetString());
        Assert.Equal(dlq, audit.GetProperty("dlq_topic").GetString());
        Assert.True(DateTimeOffset.TryParse(audit.GetProperty("at").GetString(), out _));
        var record = Assert.Single(audit.GetProperty("records").EnumerateArray());
        Assert.Equal(0, record.GetProperty("partition").GetInt32());
        Assert.Equal(1, record.GetProperty("offset").GetInt64());
        Assert.Equal(topic, record.GetProperty("target_topic").GetString());
        Assert.Equal(redriven.Offset.Value, record.GetProperty("target_offset").GetInt64());

        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var api = await http.GetFromJsonAsync<JsonDocument>("/api/v1/dlq");
        var queue = api!.RootElement.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("topic").GetString() == dlq);
        Assert.Equal(1, queue.GetProperty("depth").GetInt64());
        Assert.Equal(1, _seed.Depth(dlq));
    }

    [Fact]
    public async Task A_second_redrive_of_the_same_dead_letter_is_refused_even_from_a_page_loaded_before_the_first()
    {
        var (topic, dlq) = await _seed.SeedAsync(2);

        await ConsolePage.RunAsync(fixture, "dlq-redrive-twice", async console =>
        {
            // Two people open the page while both dead letters wait.
            await console.GotoAsync($"/dlq/{dlq}");
            var other = await console.Page.Context.NewPageAsync();
            await other.GotoAsync($"/dlq/{dlq}");
            await other.GetByLabel("Select dead letter 0:0").CheckAsync();
            await other.GetByLabel("Reason (required)").FillAsync("first redrive");
            await other.GetByRole(AriaRole.Button, new() { Name = "Redrive selected" }).ClickAsync();
            await Assertions.Expect(other.GetByTestId("action-result")).ToContainTextAsync("Redrove 1 dead letter(s)");
            var endAfterFirst = _seed.EndOffset(topic);
            Assert.Equal(1, endAfterFirst);

            // The first page is stale: it still offers 0:0. The server refuses it.
            await console.Page.GetByLabel("Select dead letter 0:0").CheckAsync();
            await console.Page.GetByLabel("Reason (required)").FillAsync("second redrive");
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Redrive selected" }).ClickAsync();
            await Assertions.Expect(console.Page.GetByTestId("action-error")).ToContainTextAsync($"dead letter {dlq}:0:0 was already redriven");
            Assert.Equal(endAfterFirst, _seed.EndOffset(topic));

            // Selected together with a waiting one, the preview skips it as already resolved.
            await console.GotoAsync($"/dlq/{dlq}?resolved=true");
            await Assertions.Expect(console.Page.GetByLabel("Select dead letter 0:0")).ToBeDisabledAsync();
            await console.Page.GetByLabel("Select dead letter 0:0").EvaluateAsync("e => { e.disabled = false; e.checked = true; }");
            await console.Page.GetByLabel("Select dead letter 0:1").CheckAsync();
            await console.Page.GetByLabel("Reason (required)").FillAsync("both");
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Redrive selected" }).ClickAsync();
            await Assertions.Expect(console.Page.GetByTestId("preview-pending").Locator("tbody tr")).ToHaveCountAsync(1);
            await Assertions.Expect(console.Page.GetByTestId("preview-pending")).ToContainTextAsync("0:1");
            await Assertions.Expect(console.Page.GetByTestId("preview-skipped")).ToContainTextAsync("0:0");
            await Assertions.Expect(console.Page.GetByTestId("preview-skipped")).ToContainTextAsync("redriven");
        });

        Assert.Single(_seed.AuditRecords(dlq));
        Assert.Equal(1, _seed.Depth(dlq));
    }

    [Fact]
    public async Task A_bulk_discard_preview_lists_the_records_and_changes_nothing_until_confirmed()
    {
        var (topic, dlq) = await _seed.SeedAsync(3);

        await ConsolePage.RunAsync(fixture, "dlq-bulk-discard", async console =>
        {
            await console.GotoAsync($"/dlq/{dlq}");
            await console.Page.GetByLabel("Select dead letter 0:0").CheckAsync();
            await console.Page.GetByLabel("Select dead letter 0:2").CheckAsync();
            await console.Page.GetByLabel("Reason (required)").FillAsync("test orders from the load test");
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Discard selected" }).ClickAsync();

            var pending = console.Page.GetByTestId("preview-pending");
            await Assertions.Expect(pending.Locator("tbody tr")).ToHaveCountAsync(2);
            await Assertions.Expect(pending.Locator("tr[data-address='0:0']")).ToHaveCountAsync(1);
            await Assertions.Expect(pending.Locator("tr[data-address='0:2']")).ToHaveCountAsync(1);
            await Assertions.Expect(console.Page.GetByTestId("preview-reason")).ToHaveTextAsync("test orders from the load test");
            await ScreenshotForDocsAsync(console, "dlq-preview.png");

            // The preview changed nothing.
            Assert.Empty(_seed.AuditRecords(dlq));
            Assert.Equal(3, _seed.Depth(dlq));

            await console.Page.GetByTestId("confirm").ClickAsync();
            await Assertions.Expect(console.Page.GetByTestId("action-result")).ToContainTextAsync("Discarded 2 dead letter(s)");
            await Assertions.Expect(console.Page.GetByTestId("dlq-depth")).ToHaveTextAsync("1");

            // "All waiting" previews what is left: the one dead letter not discarded.
            await console.Page.GetByLabel("Reason (required)").FillAsync("what is left");
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Preview discard of all waiting" }).ClickAsync();
            await Assertions.Expect(console.Page.GetByTestId("preview-pending").Locator("tbody tr")).ToHaveCountAsync(1);
            await Assertions.Expect(console.Page.GetByTestId("preview-pending")).ToContainTextAsync("0:1");
            await console.Page.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
            await Assertions.Expect(console.Page.GetByTestId("dead-letter")).ToHaveCountAsync(1);
        });

        var audit = Assert.Single(_seed.AuditRecords(dlq));
        Assert.Equal("dlq.discard", audit.GetProperty("action").GetString());
        Assert.Equal([0L, 2L], audit.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("offset").GetInt64()).Order());
        Assert.False(audit.GetProperty("records")[0].TryGetProperty("target_topic", out _));
        Assert.Equal(0, _seed.EndOffset(topic));
        Assert.Equal(1, _seed.Depth(dlq));
    }

    [Fact]
    public async Task Keyboard_alone_reaches_the_checkboxes_the_reason_and_the_buttons_and_redrives()
    {
        var (topic, dlq) = await _seed.SeedAsync(2);

        await ConsolePage.RunAsync(fixture, "dlq-keyboard", async console =>
        {
            await console.GotoAsync($"/dlq/{dlq}");
            var reached = new List<string>();
            for (var i = 0; i < 60 && !reached.Contains("button:redrive-all"); i++)
            {
                await console.Page.Keyboard.PressAsync("Tab");
                reached.Add(await console.Page.EvaluateAsync<string>(
                    "() => { const e = document.activeElement; return e.tagName.toLowerCase() + ':' + (e.value && e.tagName !== 'TEXTAREA' ? e.value : e.id); }"));
            }

            Assert.Contains("input:0:1", reached);
            Assert.Contains("input:0:0", reached);
            Assert.Contains("textarea:reason", reached);
            Assert.Contains("button:redrive", reached);
            Assert.Contains("button:discard", reached);
            Assert.Contains("button:redrive-all", reached);
            Assert.True(reached.IndexOf("input:0:1") < reached.IndexOf("textarea:reason"), string.Join(", ", reached));

            // Redrive 0:0 with the keyboard only: focus its checkbox, Space, Tab to the reason, type, Tab to the button, Enter.
            await console.GotoAsync($"/dlq/{dlq}");
            for (var i = 0; i < 60 && await console.Page.EvaluateAsync<string>("() => document.activeElement.value || ''") != "0:0"; i++)
            {
                await console.Page.Keyboard.PressAsync("Tab");
            }

            await console.Page.Keyboard.PressAsync("Space");
            await Assertions.Expect(console.Page.GetByLabel("Select dead letter 0:0")).ToBeCheckedAsync();
            for (var i = 0; i < 60 && await console.Page.EvaluateAsync<string>("() => document.activeElement.id") != "reason"; i++)
            {
                await console.Page.Keyboard.PressAsync("Tab");
            }

            Assert.Equal("reason", await console.Page.EvaluateAsync<string>("() => document.activeElement.id"));

            await console.Page.Keyboard.TypeAsync("replayed by keyboard");
            await console.Page.Keyboard.PressAsync("Tab");
            Assert.Equal("redrive", await console.Page.EvaluateAsync<string>("() => document.activeElement.value"));
            await console.Page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(console.Page.GetByTestId("action-result")).ToContainTextAsync("Redrove 1 dead letter(s)", Slow);
        });

        Assert.Equal(1, _seed.EndOffset(topic));
        Assert.Equal(1, _seed.Depth(dlq));
    }

    [Fact]
    public async Task A_long_dead_letter_topic_is_shown_a_page_at_a_time_newest_first()
    {
        var (_, dlq) = await _seed.SeedAsync(60);

        await ConsolePage.RunAsync(fixture, "dlq-paging", async console =>
        {
            await console.GotoAsync($"/dlq/{dlq}");
            var letters = console.Page.GetByTestId("dead-letter");
            await Assertions.Expect(letters).ToHaveCountAsync(50);
            await Assertions.Expect(letters.First).ToHaveAttributeAsync("data-address", "0:59");
            await Assertions.Expect(letters.Last).ToHaveAttributeAsync("data-address", "0:10");

            await console.Page.GetByTestId("older").ClickAsync();
            await Assertions.Expect(letters).ToHaveCountAsync(10);
            await Assertions.Expect(letters.First).ToHaveAttributeAsync("data-address", "0:9");
            await Assertions.Expect(letters.Last).ToHaveAttributeAsync("data-address", "0:0");
            await Assertions.Expect(console.Page.GetByTestId("older")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task The_original_topic_leads_to_its_dead_letter_topic_and_a_missing_one_is_explained()
    {
        var (topic, dlq) = await _seed.SeedAsync(1);
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };

        using var byOriginal = await http.GetAsync($"/dlq/{topic}");
        Assert.Equal($"/dlq/{dlq}", byOriginal.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains($"Dead letters in {dlq}", await byOriginal.Content.ReadAsStringAsync());

        var quiet = Herald.Testing.TestBroker.UniqueName("quiet");
        fixture.Server.Broker.Topics.Create(quiet, 1, new Dictionary<string, string>());
        Assert.Contains($"nothing from {quiet} was ever dead-lettered", await http.GetStringAsync($"/dlq/{quiet}.dlq"));
        Assert.Contains("Topic &#x27;no-such-topic&#x27; does not exist", await http.GetStringAsync("/dlq/no-such-topic.dlq"));
    }

    [Fact]
    public async Task The_audit_page_shows_records_it_does_not_understand_as_written()
    {
        using (var producer = new Confluent.Kafka.ProducerBuilder<string, string>(new Confluent.Kafka.ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(DeadLetterHeaders.AuditTopic, new Confluent.Kafka.Message<string, string> { Key = "someone-else", Value = "not json <b>at all</b>" });
        }

        await ConsolePage.RunAsync(fixture, "audit-raw", async console =>
        {
            await console.GotoAsync("/audit");
            var raw = console.Page.GetByTestId("audit-raw").Filter(new() { HasText = "not json <b>at all</b>" });
            await Assertions.Expect(raw).ToHaveCountAsync(1);
            Assert.Equal(0, await console.Page.Locator("main b").CountAsync());
        });
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
