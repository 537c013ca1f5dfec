namespace Herald.Cli.Tests.Dlq;

public sealed class DlqHelpTests
{
    [Theory]
    [InlineData("--all")]
    [InlineData("--all", "--reason")]
    [InlineData("--all", "--reason", "")]
    [InlineData("--offset", "0", "--reason", "   ")]
    public async Task Redrive_without_a_reason_is_a_usage_error_before_any_connection(params string[] options)
    {
        // A closed port: the reason is checked before anything talks to a broker.
        var run = await CliRun.RunAsync(["dlq", "redrive", "orders", .. options, "--bootstrap", "127.0.0.1:1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("error: redrive needs --reason \"why\"", Assert.Single(run.StderrLines));
        Assert.Empty(run.Stdout);
    }

    [Theory]
    [InlineData("redrive needs --offset N or --all")]
    [InlineData("give either --offset N or --all, not both", "--offset", "1", "--all")]
    [InlineData("--partition goes with --offset; --all redrives every partition", "--all", "--partition", "1")]
    public async Task Redrive_needs_exactly_one_selection(string message, params string[] options)
    {
        var run = await CliRun.RunAsync(["dlq", "redrive", "orders", .. options, "--reason", "fixed", "--bootstrap", "127.0.0.1:1"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"error: {message}", Assert.Single(run.StderrLines));
    }
}
