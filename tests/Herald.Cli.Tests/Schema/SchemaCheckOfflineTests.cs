using System.Text.Json;

namespace Herald.Cli.Tests.Schema;

public sealed class SchemaCheckOfflineTests : IDisposable
{
    private readonly SchemaFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task Adding_an_optional_property_is_backward_compatible()
    {
        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), files.OrdersV2(), "--mode", "backward"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.StdoutLines);
        Assert.StartsWith("compatible: ", line, StringComparison.Ordinal);
        Assert.EndsWith("orders-v2.json is BACKWARD compatible with 1 earlier version(s)", line, StringComparison.Ordinal);
        Assert.Empty(run.Stderr);
    }

    [Fact]
    public async Task Adding_a_required_property_fails_naming_the_version_path_and_rule()
    {
        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), "--against", files.OrdersV2(), files.OrdersV3(), "--mode", "backward"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var violation = Assert.Single(run.StdoutLines, l => l.Contains("customer_email", StringComparison.Ordinal));
        Assert.StartsWith("✗ orders-v2.json, backward: ", violation, StringComparison.Ordinal);
        Assert.Contains("#/properties/customer_email", violation, StringComparison.Ordinal);
        Assert.Contains("REQUIRED_PROPERTY_ADDED", violation, StringComparison.Ordinal);
        var error = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("not BACKWARD compatible", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_mode_is_honoured()
    {
        var none = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV2(), files.OrdersV3(), "--mode", "none"]);
        var forward = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV2(), files.OrdersV3(), "--mode", "FORWARD"]);

        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Contains("NONE compatible", none.Stdout, StringComparison.Ordinal);
        Assert.True(forward.ExitCode == 1, forward.ToString());
        Assert.All(forward.StdoutLines, line => Assert.Contains(", forward: ", line, StringComparison.Ordinal));
        Assert.Contains("not FORWARD compatible", forward.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_output_parses_and_lists_each_violation()
    {
        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV2(), files.OrdersV3(), "--json"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        using var report = JsonDocument.Parse(run.Stdout);
        Assert.False(report.RootElement.GetProperty("compatible").GetBoolean());
        Assert.Equal("BACKWARD", report.RootElement.GetProperty("mode").GetString());
        var violation = Assert.Single(report.RootElement.GetProperty("violations").EnumerateArray(), v => v.GetProperty("path").GetString()!.Contains("customer_email", StringComparison.Ordinal));
        Assert.Equal("orders-v2.json", violation.GetProperty("version").GetString());
        Assert.Equal("backward", violation.GetProperty("direction").GetString());
        Assert.Contains("REQUIRED_PROPERTY_ADDED", violation.GetProperty("rule").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(violation.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Json_output_of_a_compatible_check_has_no_violations()
    {
        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), files.OrdersV2(), "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var report = JsonDocument.Parse(run.Stdout);
        Assert.True(report.RootElement.GetProperty("compatible").GetBoolean());
        Assert.Empty(report.RootElement.GetProperty("violations").EnumerateArray());
    }

    [Fact]
    public async Task Protobuf_type_change_fails_naming_the_field_and_rule()
    {
        var old = files.Write("order-v1.proto", "syntax = \"proto3\";\npackage shop;\nmessage Order { string id = 1; int64 amount = 2; }\n");
        var updated = files.Write("order-v2.proto", "syntax = \"proto3\";\npackage shop;\nmessage Order { string id = 1; string amount = 2; }\n");

        var run = await CliRun.RunAsync(["schema", "check", "--against", old, updated, "--mode", "backward"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        var violation = Assert.Single(run.StdoutLines);
        Assert.StartsWith("✗ order-v1.proto, backward: shop.Order.amount", violation, StringComparison.Ordinal);
        Assert.Contains("FIELD_SCALAR_KIND_CHANGED", violation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Type_option_overrides_the_extension()
    {
        var old = files.Write("user-v1.schema", """{"type": "record", "name": "User", "fields": [{"name": "id", "type": "string"}]}""");
        var updated = files.Write("user-v2.schema", """{"type": "record", "name": "User", "fields": [{"name": "id", "type": "string"}, {"name": "age", "type": "int", "default": 0}]}""");

        var run = await CliRun.RunAsync(["schema", "check", "--against", old, updated, "--type", "avro"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("BACKWARD compatible with 1 earlier version(s)", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_is_bad_input()
    {
        var missing = Path.Combine(files.Folder, "missing.json");

        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), missing]);

        AssertBadInput(run, "missing.json");
    }

    [Fact]
    public async Task An_invalid_schema_is_bad_input_with_the_parsers_message()
    {
        var broken = files.Write("broken.json", "{ \"type\": \"object\", ");

        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), broken]);

        AssertBadInput(run, "broken.json");
    }

    [Fact]
    public async Task An_unknown_extension_without_type_is_bad_input()
    {
        var text = files.Write("orders.txt", SchemaFiles.V2);

        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), text]);

        AssertBadInput(run, "--type");
    }

    [Theory]
    [InlineData("--mode", "sideways")]
    [InlineData("--type", "xml")]
    [InlineData("--policy", "loose")]
    public async Task An_unknown_option_value_is_a_usage_error(string option, string value)
    {
        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), files.OrdersV2(), option, value]);

        AssertBadInput(run, value);
    }

    [Fact]
    public async Task Offline_check_takes_exactly_one_file()
    {
        var run = await CliRun.RunAsync(["schema", "check", "--against", files.OrdersV1(), "orders-value", files.OrdersV2()]);

        AssertBadInput(run, "--against");
    }

    private static void AssertBadInput(CliRun run, string mentioned)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        Assert.Contains(mentioned, line, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }
}
