using Herald.Testing;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Herald.Broker.Tests.Infrastructure;
using Herald.Server;

namespace Herald.Broker.Tests.Compatibility;

public sealed class HostTests
{
    [Fact]
    public async Task Health_answers_on_the_http_listener()
    {
        var server = await TestBroker.Shared;
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        using var response = await http.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ok", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_port_in_use_fails_start_with_a_clear_error()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var port = ((IPEndPoint)occupied.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => TestBroker.StartAsync(
            TestBroker.NewDataDirectory(),
            o => o with { KafkaListen = $"127.0.0.1:{port}" }));
        Assert.Contains("cannot listen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listener_that_is_not_host_and_port_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => ListenAddress.Parse("9092", "--kafka"));
        Assert.Contains("--kafka '9092' is not HOST:PORT", error.Message, StringComparison.Ordinal);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9092), ListenAddress.Parse("localhost:9092", "--kafka"));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9092), ListenAddress.Parse("[::1]:9092", "--kafka"));
    }
}
