using System.Diagnostics;

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
    public async Task Fails_fast_with_one_line_naming_the_broker(string[] command)
    {
        var bootstrap = $"127.0.0.1:{ClosedPort.Reserve()}";
        var clock = Stopwatch.StartNew();

        var run = await CliRun.RunAsync([.. command, "--bootstrap", bootstrap], stdin: "a\nb\n");

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: cannot reach broker at {bootstrap}", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Malformed_bootstrap_is_one_line()
    {
        var run = await CliRun.RunAsync(["topic", "list", "--bootstrap", "no-port"]);

        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: invalid --bootstrap address 'no-port'", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
