namespace Herald.Cli.Tests;

public sealed class UsageErrorTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("")]
    [InlineData("topic")]
    [InlineData("topic frobnicate")]
    [InlineData("produce")]
    [InlineData("produce t --no-such-option")]
    [InlineData("produce t --acks 2")]
    [InlineData("consume t --count many")]
    [InlineData("consume t --count 0")]
    [InlineData("consume t --timeout -1")]
    [InlineData("topic create t --partitions 0")]
    [InlineData("topic create t --config retention.ms")]
    [InlineData("serve --partitions x")]
    public async Task Usage_error_exits_two_with_one_error_line(string commandLine)
    {
        var run = await CliRun.RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public async Task Unknown_command_is_named_in_the_error()
    {
        var run = await CliRun.RunAsync(["frobnicate"]);

        Assert.Contains("'frobnicate'", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
