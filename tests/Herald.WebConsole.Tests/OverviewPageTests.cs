using Confluent.Kafka;
using Herald.Testing;
using Microsoft.Playwright;

namespace Herald.WebConsole.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class OverviewPageTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task The_overview_shows_the_broker_and_a_chart_with_points_and_works_on_a_phone()
    {
        var topic = TestBroker.UniqueName("overview");
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "v" });
        }

        foreach (var phone in new[] { false, true })
        {
            await ConsolePage.RunAsync(fixture, phone ? "overview-phone" : "overview", async console =>
            {
                await console.GotoAsync("/");
                Assert.Equal("Overview · Herald", await console.Page.TitleAsync());
                var topics = int.Parse(await console.Page.GetByTestId("topic-count").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(fixture.Server.Broker.Topics.All.Count, topics);
                Assert.Equal(1, await console.Page.Locator("nav[aria-label=Main]").CountAsync());
                Assert.Equal(1, await console.Page.Locator("main").CountAsync());
                var chart = console.Page.Locator(".chart-canvas").First;
                await Assertions.Expect(chart).Not.ToHaveAttributeAsync("data-points", "0", new() { Timeout = 15_000 });
                Assert.Equal(1, await chart.Locator("canvas").CountAsync());
            }, phone);
        }
    }
}
