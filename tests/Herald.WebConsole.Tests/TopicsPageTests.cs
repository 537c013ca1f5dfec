using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Confluent.SchemaRegistry;
using Herald.Contracts;
using Herald.Serialization;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class TopicsPageTests(ConsoleFixture fixture)
{
    public sealed record CustomerRegistered([property: PartitionKey] string CustomerId, string Name, [Pii] string Email);

    [Fact]
    public async Task A_topic_being_produced_to_shows_messages_per_second_above_zero()
    {
        var topic = TestBroker.UniqueName("rate");
        using var stop = new CancellationTokenSource();
        using var producer = Producer();
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "first" });
        var producing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var value = $$"""{"orderId": "o-{{i}}", "amount": {{i % 97}}.5, "currency": "EUR"}""";
                producer.Produce(topic, new Message<string, string> { Key = "o-" + i, Value = value });
                await Task.Delay(50);
            }
        });

        try
        {
            await ConsolePage.RunAsync(fixture, "topics-rate", async console =>
            {
                // The page is rendered on the server: reload until the history's newest sample includes this topic's traffic.
                var rate = console.Page.Locator($"tr[data-topic='{topic}'] [data-testid=messages-per-second]");
                await ReloadUntilAsync(console, $"/topics?q={topic}", async () => await rate.CountAsync() == 1 && Number(await rate.InnerTextAsync()) > 0);
                Assert.Equal("Topics · Herald", await console.Page.TitleAsync());
                Assert.Equal(1, await console.Page.Locator("h1").CountAsync());
                if (ScreenshotFolder is not null)
                {
                    await SeedNeighboursAsync();
                    await console.GotoAsync("/topics?sort=rate");
                    await Screenshot(console, "topics.png");
                    await console.GotoAsync("/topics/" + topic);
                    var points = new System.Text.RegularExpressions.Regex("^([5-9]|[1-9][0-9]+)$");
                    await Assertions.Expect(console.Page.Locator(".chart-canvas")).ToHaveAttributeAsync("data-points", points, new() { Timeout = 30_000 });
                    await Screenshot(console, "topic.png");
                }
            });
        }
        finally
        {
            await stop.CancelAsync();
            await producing;
        }
    }

    [Fact]
    public async Task The_topic_page_lists_partitions_with_their_end_offsets_and_configs_also_on_a_phone()
    {
        var topic = TestBroker.UniqueName("partitions");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = fixture.Server.KafkaBootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = 3, ReplicationFactor = 1, Configs = new() { ["retention.ms"] = "3600000" } }]);
        }

        using (var producer = Producer())
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Key = "a", Value = "p0-" + i });
            }

            for (var i = 0; i < 2; i++)
            {
                await producer.ProduceAsync(new TopicPartition(topic, 1), new Message<string, string> { Key = "b", Value = "p1-" + i });
            }
        }

        foreach (var phone in new[] { false, true })
        {
            await ConsolePage.RunAsync(fixture, phone ? "topic-partitions-phone" : "topic-partitions", async console =>
            {
                await console.GotoAsync("/topics/" + topic);
                Assert.Equal($"{topic} · Topics · Herald", await console.Page.TitleAsync());
                Assert.Equal(1, await console.Page.Locator("h1").CountAsync());
                var endOffsets = console.Page.Locator("[data-testid=partitions] [data-testid=end-offset]");
                await Assertions.Expect(endOffsets).ToHaveTextAsync(["5", "2", "0"]);
                var retention = console.Page.Locator("[data-testid=configs] tr[data-config='retention.ms']");
                await Assertions.Expect(retention).ToContainTextAsync("3600000");
                await Assertions.Expect(retention).ToContainTextAsync("set on this topic");
                await Assertions.Expect(console.Page.Locator("[data-testid=configs] tr[data-config='segment.bytes']")).ToContainTextAsync("broker default");
                await Assertions.Expect(console.Page.Locator(".chart-canvas")).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = 15_000 });

                // Every table header of the page (not the chart's legend) names its column for screen readers, and nothing but the tables scrolls sideways.
                var headers = console.Page.Locator("main table:not(.u-legend) th");
                Assert.Equal(await headers.CountAsync(), await console.Page.Locator("main table:not(.u-legend) th[scope=col]").CountAsync());
                var overflow = await console.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
                Assert.False(overflow, "the page scrolls sideways");
            }, phone);
        }
    }

    [Fact]
    public async Task The_groups_reading_a_topic_are_listed_with_their_lag_on_both_pages()
    {
        var topic = TestBroker.UniqueName("read");
        var group = TestBroker.UniqueName("readers");
        using (var producer = Producer())
        {
            for (var i = 0; i < 10; i++)
            {
                producer.Produce(topic, new Message<string, string> { Key = "k", Value = "v" + i });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = fixture.Server.KafkaBootstrap, GroupId = group }).Build())
        {
            consumer.Commit([new TopicPartitionOffset(topic, 0, 4)]);
        }

        var expected = fixture.Server.Broker.ConsumerLag.Get(group)!.TotalLagMessages;
        Assert.Equal(6, expected);
        await ConsolePage.RunAsync(fixture, "topic-groups", async console =>
        {
            await console.GotoAsync($"/topics?q={topic}");
            await Assertions.Expect(console.Page.Locator($"tr[data-topic='{topic}']")).ToContainTextAsync($"{group} 6");
            await console.GotoAsync("/topics/" + topic);
            var row = console.Page.Locator($"[data-testid=groups] tr[data-group='{group}']");
            await Assertions.Expect(row.GetByTestId("lag")).ToHaveTextAsync("6");
            await Assertions.Expect(row).ToContainTextAsync("1 of 1");
            await Assertions.Expect(row.GetByRole(AriaRole.Link, new() { Name = group })).ToHaveAttributeAsync("href", "/groups/" + group);
        });
    }

    [Fact]
    public async Task The_message_browser_shows_the_newest_records_by_default_and_as_many_as_asked()
    {
        var topic = TestBroker.UniqueName("newest");
        using (var producer = Producer())
        {
            // One record a second from midnight, so a time maps to exactly one offset.
            var midnight = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
            for (var i = 0; i < 30; i++)
            {
                producer.Produce(topic, new Message<string, string> { Key = "key-" + i, Value = "message-" + i, Timestamp = new Timestamp(midnight.AddSeconds(i)) });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        await ConsolePage.RunAsync(fixture, "browser-newest", async console =>
        {
            await console.GotoAsync("/topics/" + topic);
            var rows = console.Page.Locator("[data-testid=messages] tbody tr");
            await Assertions.Expect(rows).ToHaveCountAsync(BrowseDefaultCount);
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-offset", "29");
            await Assertions.Expect(rows.Last).ToHaveAttributeAsync("data-offset", "10");
            await Assertions.Expect(rows.First.GetByTestId("value")).ToContainTextAsync("message-29");
            await Assertions.Expect(rows.First).ToContainTextAsync("key-29");

            // The form is a GET form: choosing 5 and submitting by keyboard gives a bookmarkable URL.
            await console.Page.Locator("#browse-count").FillAsync("5");
            await console.Page.Locator("#browse-count").PressAsync("Enter");
            await console.Page.WaitForURLAsync(url => url.Contains("count=5", StringComparison.Ordinal));
            await Assertions.Expect(rows).ToHaveCountAsync(5);
            await Assertions.Expect(rows.Last).ToHaveAttributeAsync("data-offset", "25");

            await console.GotoAsync($"/topics/{topic}?partition=0&from=offset&offset=3&count=2");
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-offset", "3");
            await Assertions.Expect(console.Page.GetByTestId("browse-continue")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("offset=5"));

            await console.GotoAsync($"/topics/{topic}?from=time&time=2024-01-01T00:00:25&count=3");
            await Assertions.Expect(rows).ToHaveCountAsync(3);
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-offset", "25");
            await Assertions.Expect(rows.First).ToContainTextAsync("2024-01-01 00:00:25.000Z");

            await console.GotoAsync($"/topics/{topic}?from=offset&offset=abc");
            await Assertions.Expect(console.Page.GetByTestId("browse-error")).ToContainTextAsync("'abc' is not an offset");
            await Assertions.Expect(rows).ToHaveCountAsync(0);

            var missing = await console.Page.APIRequest.GetAsync("/topics/" + TestBroker.UniqueName("missing"));
            Assert.Equal(404, missing.Status);
        });
    }

    [Fact]
    public async Task The_message_browser_finds_a_record_by_text_in_a_header_and_in_the_value()
    {
        var topic = TestBroker.UniqueName("search");
        using (var producer = Producer())
        {
            for (var i = 0; i < 50; i++)
            {
                var message = new Message<string, string> { Key = "k" + i, Value = i == 33 ? "{\"note\": \"the Needle-Value-ABC is here\"}" : "hay " + i, Headers = [] };
                if (i == 17)
                {
                    message.Headers.Add("trace-tag", Encoding.UTF8.GetBytes("Needle-Header-XYZ"));
                }

                producer.Produce(topic, message);
            }

            producer.Flush(TimeSpan.FromSeconds(10));
        }

        await ConsolePage.RunAsync(fixture, "browser-search", async console =>
        {
            await console.GotoAsync("/topics/" + topic);
            var rows = console.Page.Locator("[data-testid=messages] tbody tr");

            await console.Page.Locator("#browse-q").FillAsync("needle-header-xyz");
            await console.Page.GetByRole(AriaRole.Button, new() { Name = "Show messages" }).ClickAsync();
            await console.Page.WaitForURLAsync(url => url.Contains("q=needle-header-xyz", StringComparison.Ordinal));
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-offset", "17");
            await Assertions.Expect(rows.First.GetByTestId("headers")).ToContainTextAsync("trace-tag");

            await console.GotoAsync($"/topics/{topic}?q=NEEDLE-VALUE-abc");
            await Assertions.Expect(rows).ToHaveCountAsync(1);
            await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-offset", "33");
            await Assertions.Expect(rows.First.GetByTestId("value")).ToContainTextAsync("Needle-Value-ABC");
            await Assertions.Expect(console.Page.GetByTestId("scan-limit")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_search_stops_at_the_scan_limit_and_says_so_and_the_server_caps_the_limit()
    {
        var topic = TestBroker.UniqueName("limit");
        using (var producer = Producer())
        {
            for (var i = 0; i < 5_200; i++)
            {
                producer.Produce(topic, new Message<string, string> { Key = "k", Value = "record " + i });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        await ConsolePage.RunAsync(fixture, "browser-limit", async console =>
        {
            await console.GotoAsync($"/topics/{topic}?q=not-there&scan=100");
            var notice = console.Page.GetByTestId("scan-limit");
            await Assertions.Expect(notice).ToContainTextAsync("Scanned 100 records, stopped at the limit");
            await Assertions.Expect(console.Page.GetByTestId("no-messages")).ToBeVisibleAsync();

            // Asking for more than the server allows scans the server's bound, not the asked one.
            await console.GotoAsync($"/topics/{topic}?q=not-there&scan=1000000");
            await Assertions.Expect(notice).ToContainTextAsync("Scanned 5,000 records, stopped at the limit");

            // Below the bound, a search that reads the whole topic does not claim to have stopped.
            await console.GotoAsync($"/topics/{topic}?partition=0&from=offset&offset=5000&q=not-there");
            await Assertions.Expect(console.Page.GetByTestId("browse-summary")).ToContainTextAsync("Scanned 200 records");
            await Assertions.Expect(notice).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_registry_encoded_json_schema_value_is_decoded_with_its_pii_field_masked_and_unsearchable()
    {
        var topic = TestBroker.UniqueName("customers");
        using var registry = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = fixture.Server.RegistryAddress.ToString() });
        using (var producer = new ProducerBuilder<string, CustomerRegistered>(new ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap })
            .SetValueSerializer(new JsonContractSerializer<CustomerRegistered>(registry))
            .Build())
        {
            await producer.ProduceAsync(topic, new Message<string, CustomerRegistered> { Key = "c-1", Value = new CustomerRegistered("c-1", "Ann Example", "ann@example.com") });
        }

        await ConsolePage.RunAsync(fixture, "browser-registry-json", async console =>
        {
            await console.GotoAsync("/topics/" + topic);
            var value = console.Page.Locator("[data-testid=messages] tbody tr").First.GetByTestId("value");
            await Assertions.Expect(value).ToContainTextAsync("Ann Example");
            await Assertions.Expect(value).ToContainTextAsync("\"email\": \"***\"");
            await Assertions.Expect(value).Not.ToContainTextAsync("ann@example.com");
            await Assertions.Expect(value).ToContainTextAsync($"JSON Schema #");
            await Assertions.Expect(value).ToContainTextAsync($"{topic}-value v1");
            await Assertions.Expect(value.GetByTestId("masked")).ToContainTextAsync("1 PII field masked");

            // The search sees what the page shows: a masked value cannot be found (or confirmed) by searching for it.
            await Screenshot(console, "topic-messages.png", "#messages");

            await console.GotoAsync($"/topics/{topic}?q=ann@example.com");
            await Assertions.Expect(console.Page.GetByTestId("no-messages")).ToBeVisibleAsync();
            await console.GotoAsync($"/topics/{topic}?q=ann%20example");
            await Assertions.Expect(console.Page.Locator("[data-testid=messages] tbody tr")).ToHaveCountAsync(1);
        });
    }

    private const int BrowseDefaultCount = 20;

    /// <summary>A few more topics and a lagging group, so the documentation's screenshot of the topics page is not a single row.</summary>
    private async Task SeedNeighboursAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        using var producer = Producer();
        foreach (var (name, count) in new[] { ("payments", 40), ("shipments", 12), ("customers", 3) })
        {
            for (var i = 0; i < count; i++)
            {
                producer.Produce($"{name}-{suffix}", new Message<string, string> { Key = "k" + i, Value = "v" + i });
            }
        }

        producer.Flush(TimeSpan.FromSeconds(10));
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = fixture.Server.KafkaBootstrap, GroupId = "billing-" + suffix }).Build();
        consumer.Commit([new TopicPartitionOffset($"payments-{suffix}", 0, 25)]);
    }

    private IProducer<string, string> Producer() =>
        new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap, LingerMs = 5 }).Build();

    private static double Number(string text) => double.Parse(text.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    /// <summary>Loads <paramref name="path"/> until <paramref name="condition"/> holds on the page, for data the server only shows on a new render.</summary>
    private static async Task ReloadUntilAsync(ConsolePage console, string path, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        await console.GotoAsync(path);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{path} never showed what the test waits for");
            await console.Page.WaitForTimeoutAsync(500);
            await console.GotoAsync(path);
        }
    }

    /// <summary>Saves a documentation screenshot when <c>HERALD_CONSOLE_SCREENSHOTS</c> names a folder (e.g. <c>docs/console</c>).</summary>
    private static string? ScreenshotFolder => Environment.GetEnvironmentVariable("HERALD_CONSOLE_SCREENSHOTS") is { Length: > 0 } folder ? folder : null;

    private static async Task Screenshot(ConsolePage console, string name, string? selector = null)
    {
        if (ScreenshotFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, name);
            await (selector is null ? console.ScreenshotAsync(path) : console.Page.Locator(selector).ScreenshotAsync(new() { Path = path }));
        }
    }
}
