namespace Herald.Cli.Tests.Schema;

public sealed class SchemaHelpTests
{
    public static TheoryData<string, string[]> Commands => new()
    {
        { "schema", ["register", "check", "diff"] },
        { "schema register", ["<subject>", "<file>", "--type", "--registry", "--json"] },
        { "schema check", ["--against", "--mode", "--policy", "--type", "--registry", "--json"] },
        { "schema diff", ["<old>", "<new>", "--type", "--policy", "--json"] },
        { "drill", ["schema"] },
        { "drill schema", ["--dir", "--keep"] },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_exits_zero_and_lists_every_option(string command, string[] expected)
    {
        var run = await CliRun.RunAsync([.. command.Split(' '), "--help"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stderr);
        Assert.Contains("Description:", run.Stdout, StringComparison.Ordinal);
        foreach (var option in expected)
        {
            Assert.Contains(option, run.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Register_defaults_to_the_local_registry()
    {
        var run = await CliRun.RunAsync(["schema", "register", "--help"]);

        Assert.Contains("http://127.0.0.1:8081", run.Stdout, StringComparison.Ordinal);
    }
}
