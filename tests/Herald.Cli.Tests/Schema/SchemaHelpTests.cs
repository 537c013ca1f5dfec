namespace Herald.Cli.Tests.Schema;

public sealed class SchemaHelpTests
{
    [Fact]
    public async Task Register_defaults_to_the_local_registry()
    {
        var run = await CliRun.RunAsync(["schema", "register", "--help"]);

        Assert.Contains("http://127.0.0.1:8081", run.Stdout, StringComparison.Ordinal);
    }
}
