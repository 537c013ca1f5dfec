using System.Text.Json;

namespace Herald.Cli.Tests.Schema;

public sealed class SchemaDiffTests : IDisposable
{
    private readonly SchemaFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task An_added_optional_and_an_added_required_property_have_different_consequences()
    {
        var run = await CliRun.RunAsync(["schema", "diff", files.OrdersV1(), files.OrdersV3(), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var report = JsonDocument.Parse(run.Stdout);
        var changes = report.RootElement.GetProperty("changes").EnumerateArray().ToList();
        var currency = Assert.Single(changes, c => c.GetProperty("path").GetString()!.EndsWith("currency", StringComparison.Ordinal));
        var email = Assert.Single(changes, c => c.GetProperty("path").GetString()!.EndsWith("customer_email", StringComparison.Ordinal));
        Assert.True(currency.GetProperty("backward").GetBoolean());
        Assert.False(email.GetProperty("backward").GetBoolean());
        Assert.NotEqual(currency.GetProperty("consequence").GetString(), email.GetProperty("consequence").GetString());
        Assert.Contains(email.GetProperty("consequence").GetString(), new[] { "breaks backward", "critical" });
    }

    [Fact]
    public async Task Lenient_policy_rates_an_added_optional_property_safe()
    {
        var run = await CliRun.RunAsync(["schema", "diff", files.OrdersV1(), files.OrdersV2(), "--policy", "lenient", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var report = JsonDocument.Parse(run.Stdout);
        var currency = Assert.Single(report.RootElement.GetProperty("changes").EnumerateArray(), c => c.GetProperty("path").GetString()!.EndsWith("currency", StringComparison.Ordinal));
        Assert.Equal("safe", currency.GetProperty("consequence").GetString());
        Assert.Equal("low", currency.GetProperty("risk").GetString());
    }

    [Fact]
    public async Task Text_output_is_one_line_per_change_with_its_consequence()
    {
        var run = await CliRun.RunAsync(["schema", "diff", files.OrdersV1(), files.OrdersV3()]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var email = Assert.Single(run.StdoutLines, l => l.Contains("#/properties/customer_email:", StringComparison.Ordinal));
        Assert.Contains("backward ✗", email, StringComparison.Ordinal);
        var currency = Assert.Single(run.StdoutLines, l => l.Contains("#/properties/currency:", StringComparison.Ordinal));
        Assert.Contains("backward ✓", currency, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identical_files_have_no_changes()
    {
        var run = await CliRun.RunAsync(["schema", "diff", files.OrdersV1(), files.Write("same.json", SchemaFiles.V1)]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("no changes", Assert.Single(run.StdoutLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_bad_input()
    {
        var run = await CliRun.RunAsync(["schema", "diff", files.OrdersV1(), Path.Combine(files.Folder, "nope.avsc")]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("nope.avsc", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
