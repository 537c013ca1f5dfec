namespace Herald.Cli.Tests.Dlq;

public sealed class DlqHelpTests
{
    [Theory]
    [InlineData("redrive", "--all")]
    [InlineData("redrive", "--all", "--reason")]
    [InlineData("redrive", "--all", "--reason", "")]
    [InlineData("redrive", "--offset", "0", "--reason", "   ")]
    [InlineData("discard", "--all")]
    [InlineData("discard", "--offset", "0", "--reason", "")]
    public async Task Redrive_or_discard_without_a_reason_is_a_usage_error_before_any_connection(string verb, params string[] options)
    {
        // A closed port: the reason is checked before anything talks to a broker.
        var run = await CliRun.RunAsync(["dlq", verb, "orders", .. options, "--bootstrap", "127.0.0.1:1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: {verb} needs --reason \"why\"", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Theory]
    [InlineData("redrive", "redrive needs --offset N or --all")]
    [InlineData("redrive", "give either --offset N or --all, not both", "--offset", "1", "--all")]
    [InlineData("redrive", "--partition goes with --offset; --all redrives every partition", "--all", "--partition", "1")]
    [InlineData("discard", "discard needs --offset N or --all")]
    [InlineData("discard", "give either --offset N or --all, not both", "--offset", "1", "--all")]
    [InlineData("discard", "--partition goes with --offset; --all discards every partition", "--all", "--partition", "1")]
    [InlineData("discard", "--offset must be at least 0, got -1", "--offset", "-1")]
    public async Task Redrive_and_discard_need_exactly_one_selection(string verb, string message, params string[] options)
    {
        var run = await CliRun.RunAsync(["dlq", verb, "orders", .. options, "--reason", "fixed", "--bootstrap", "127.0.0.1:1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: {message}", Assert.Single(run.StderrLines));
    }
}
