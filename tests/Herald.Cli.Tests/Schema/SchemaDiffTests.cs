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
    public async Task Avro_changes_get_the_evolution_tables_four_consequences()
    {
        var old = files.Write("user-v1.avsc", """
            {"type": "record", "name": "User", "fields": [
              {"name": "id", "type": "string"}, {"name": "email", "type": "string"}]}
            """);
        var updated = files.Write("user-v2.avsc", """
            {"type": "record", "name": "User", "fields": [
              {"name": "id", "type": "long"},
              {"name": "nickname", "type": ["null", "string"], "default": null},
              {"name": "phone", "type": "string"}]}
            """);

        var run = await CliRun.RunAsync(["schema", "diff", old, updated, "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var report = JsonDocument.Parse(run.Stdout);
        var consequences = report.RootElement.GetProperty("changes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("path").GetString()!, c => (c.GetProperty("consequence").GetString(), c.GetProperty("risk").GetString()));
        Assert.Equal(("critical", "critical"), consequences["User.id"]);
        Assert.Equal(("safe", "low"), consequences["User.nickname"]);
        Assert.Equal(("breaks backward", "high"), consequences["User.phone"]);
        Assert.Equal(("breaks forward", "medium"), consequences["User.email"]);
    }

    [Fact]
    public async Task Formats_must_match()
    {
        var avro = files.Write("user.avsc", """{"type": "record", "name": "User", "fields": []}""");

        var run = await CliRun.RunAsync(["schema", "diff", files.OrdersV1(), avro]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("formats differ", Assert.Single(run.StderrLines), StringComparison.Ordinal);
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
