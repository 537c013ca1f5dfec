namespace Herald.Cli.Tests.Schema;

public sealed class DrillSchemaTests
{
    [Fact]
    public async Task The_drill_passes_and_shows_both_outcomes()
    {
        var run = await CliRun.RunAsync(["drill", "schema"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("compatible: ", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("OrderCreated-v2.json is BACKWARD compatible", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("✗ OrderCreated-v2.json, backward: #/properties/customer_email", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("(exit 0)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("(exit 1)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("drill passed", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keep_leaves_the_three_versions_in_the_folder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "herald-drill-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var run = await CliRun.RunAsync(["drill", "schema", "--dir", folder, "--keep"]);

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal(
                ["OrderCreated-v1.json", "OrderCreated-v2.json", "OrderCreated-v3.json"],
                Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Contains(folder, run.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Without_keep_the_files_are_removed()
    {
        var folder = Path.Combine(Path.GetTempPath(), "herald-drill-test-" + Guid.NewGuid().ToString("N"));

        var run = await CliRun.RunAsync(["drill", "schema", "--dir", folder]);

        // A drill that failed before writing anything would leave no folder either: it must have passed.
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("drill passed", run.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }
}
