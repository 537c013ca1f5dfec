using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Herald.Cli.Drills;
using Herald.Testing;

namespace Herald.Cli.Tests.Drill;

/// <summary>The Orders sample's order service as a process, with no broker at all: orders are buffered, then refused.</summary>
public sealed partial class OrderServiceBacklogTests
{
    [Fact]
    public async Task With_the_broker_unreachable_the_order_service_buffers_orders_then_answers_503_with_retry_after_past_its_backlog_limit()
    {
        var directory = Directory.CreateTempSubdirectory("herald-order-service-");
        try
        {
            await PlaceUntilRefusedAsync(Path.Combine(directory.FullName, "orders.db"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task PlaceUntilRefusedAsync(string database)
    {
        await using var service = DrillProcess.StartHerald("order",
        [
            "drill", "service", "order", "--bootstrap", $"127.0.0.1:{ClosedPort()}", "--db", database, "--http", "127.0.0.1:0",
            "--topic", TestBroker.UniqueName("orders"), "--max-backlog", "3", "--exit-with", Environment.ProcessId.ToString(),
        ]);
        var ready = await service.WaitForLineAsync(l => l.Contains("service ready:", StringComparison.Ordinal), "its ready line", TimeSpan.FromSeconds(60), CancellationToken.None);
        Assert.Contains(service.Output(), l => l.Contains("did not answer", StringComparison.Ordinal));
        using var http = new HttpClient { BaseAddress = new Uri(HttpAddress().Match(ready).Value) };

        var accepted = 0;
        HttpResponseMessage? refused = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (refused is null && DateTime.UtcNow < deadline)
        {
            var response = await http.PostAsJsonAsync("/orders", new { customerId = "c-1", amount = 10m, lines = new[] { new { sku = "widget", quantity = 1 } } });
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                accepted++;
                response.Dispose();
                await Task.Delay(100);
            }
            else
            {
                refused = response;
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            Assert.True(refused.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)refused.StatusCode}: {await refused.Content.ReadAsStringAsync()}\n{service.Tail()}");
            Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a Retry-After header in seconds");
            Assert.Contains("outbox backlog", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Every order taken before the refusal is in the outbox, waiting for the broker.
        Assert.True(accepted > 3, $"{accepted} orders accepted before the refusal");
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [GeneratedRegex(@"http://[^\s,]+")]
    private static partial Regex HttpAddress();
}
