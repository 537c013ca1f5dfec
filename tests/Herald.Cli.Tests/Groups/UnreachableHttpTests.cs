using Herald.Testing;

namespace Herald.Cli.Tests.Groups;

public sealed class UnreachableHttpTests
{
    public static TheoryData<string[]> Commands => new()
    {
        new[] { "groups", "list" },
        new[] { "groups", "describe", "billing" },
        new[] { "lag" },
        new[] { "lag", "--watch", "--max-lag", "0" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Fails_on_the_refused_connection_with_one_line_naming_the_listener(string[] command)
    {
        using var closed = new ClosedPort();
        var http = $"http://{closed.EndPoint}";

        var run = await CliRun.RunAsync([.. command, "--http", http]);

        // A request that waited for its timeout says "(no answer in 10 s)": the exact line is the refused connection's.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: cannot reach Herald's HTTP listener at {http}", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Theory]
    [InlineData("127.0.0.1:8080")]
    [InlineData("ftp://127.0.0.1:8080")]
    public async Task Malformed_http_url_is_one_line(string http)
    {
        var run = await CliRun.RunAsync(["lag", "--http", http]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: invalid --http URL '{http}': expected http://HOST:PORT, e.g. http://127.0.0.1:8080", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task A_url_that_is_not_the_lag_api_is_named_in_one_line()
    {
        // Herald's own listener under a path it does not serve: an HTTP 404 without the API's error body.
        var http = (await TestBroker.Shared).HttpAddress.ToString().TrimEnd('/') + "/not-herald";

        var run = await CliRun.RunAsync(["groups", "list", "--http", http]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(
            $"error: {http}/api/v1/groups did not answer with Herald's lag API (HTTP 404 Not Found); is --http {http} a `herald serve` HTTP listener?",
            Assert.Single(run.StderrLines));
    }
}
