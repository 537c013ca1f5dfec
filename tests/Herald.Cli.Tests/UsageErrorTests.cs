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
    [InlineData("groups")]
    [InlineData("groups describe")]
    [InlineData("groups delete")]
    [InlineData("groups reset-offsets g --to-earliest")]
    [InlineData("groups reset-offsets g --topic t")]
    [InlineData("groups reset-offsets g --topic t --to-earliest --to-latest")]
    [InlineData("groups reset-offsets g --topic t --to-datetime soon")]
    [InlineData("groups reset-offsets g --topic t --shift-by x")]
    [InlineData("lag --group (")]
    [InlineData("lag --topic [a-")]
    [InlineData("lag --max-lag -1")]
    [InlineData("lag --max-lag many")]
    [InlineData("lag --max-lag-seconds -0.5")]
    [InlineData("lag --interval 0")]
    [InlineData("lag --watch --rounds 0")]
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
