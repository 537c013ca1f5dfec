using Herald.Testing;

namespace Herald.Cli.Tests;

public sealed class UnreachableBrokerTests
{
    public static TheoryData<string[]> Commands => new()
    {
        new[] { "produce", "orders" },
        new[] { "consume", "orders", "--count", "1" },
        new[] { "topic", "list" },
        new[] { "topic", "describe", "orders" },
        new[] { "topic", "create", "orders" },
        new[] { "groups", "reset-offsets", "billing", "--topic", "orders", "--to-earliest" },
        new[] { "groups", "delete", "billing" },
        new[] { "dlq", "discard", "orders", "--all", "--reason", "test" },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Fails_on_the_refused_connection_with_one_line_naming_the_broker(string[] command)
    {
        using var closed = new ClosedPort();
        var bootstrap = closed.EndPoint;

        var run = await CliRun.RunAsync([.. command, "--bootstrap", bootstrap], stdin: "a\nb\n");

        // The CLI's own probe answered: a Kafka client's failure (after its request timeout) carries the client's
        // reason in parentheses, so the exact line shows no client waited for anything.
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: cannot reach broker at {bootstrap}", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Malformed_bootstrap_is_one_line()
    {
        var run = await CliRun.RunAsync(["topic", "list", "--bootstrap", "no-port"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: invalid --bootstrap address 'no-port'", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
