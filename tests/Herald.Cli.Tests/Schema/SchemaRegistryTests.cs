using System.Text.Json;
using Herald.Cli.Tests.EndToEnd;
using Herald.Testing;

namespace Herald.Cli.Tests.Schema;

[Trait("Category", "EndToEnd")]
public sealed class SchemaRegistryTests(BrokerFixture server) : IClassFixture<BrokerFixture>, IDisposable
{
    private readonly SchemaFiles files = new();

    public void Dispose() => files.Dispose();

    private static string UniqueSubject() => "orders-" + Guid.NewGuid().ToString("N")[..12] + "-value";

    private Task<CliRun> Herald(params string[] args) => CliRun.RunAsync([.. args, "--registry", server.Registry]);

    [Fact]
    public async Task Register_then_check_compatible_and_incompatible_versions()
    {
        var subject = UniqueSubject();

        var registered = await Herald("schema", "register", subject, files.OrdersV1(), "--json");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        using (var body = JsonDocument.Parse(registered.Stdout))
        {
            Assert.True(body.RootElement.GetProperty("id").GetInt32() > 0);
            Assert.Equal(1, body.RootElement.GetProperty("version").GetInt32());
            Assert.Equal(subject, body.RootElement.GetProperty("subject").GetString());
        }

        var compatible = await Herald("schema", "check", subject, files.OrdersV2(), "--mode", "backward");
        Assert.True(compatible.ExitCode == 0, compatible.ToString());
        Assert.Contains("is BACKWARD compatible with 1 earlier version(s)", compatible.Stdout, StringComparison.Ordinal);

        var incompatible = await Herald("schema", "check", subject, files.OrdersV3(), "--mode", "backward");
        Assert.True(incompatible.ExitCode == 1, incompatible.ToString());
        var violation = Assert.Single(incompatible.StdoutLines, l => l.Contains("customer_email", StringComparison.Ordinal));
        Assert.StartsWith("✗ version 1, backward: #/properties/customer_email", violation, StringComparison.Ordinal);

        var refused = await Herald("schema", "register", subject, files.OrdersV3());
        Assert.True(refused.ExitCode == 1, refused.ToString());
        var error = Assert.Single(refused.StderrLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains("incompatible", error, StringComparison.Ordinal);
        Assert.Contains("customer_email", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_uses_the_subjects_level_unless_mode_is_given()
    {
        var subject = UniqueSubject();
        Assert.Equal(0, (await Herald("schema", "register", subject, files.OrdersV2())).ExitCode);

        var byLevel = await Herald("schema", "check", subject, files.OrdersV3(), "--json");
        var none = await Herald("schema", "check", subject, files.OrdersV3(), "--mode", "none");

        Assert.True(byLevel.ExitCode == 1, byLevel.ToString());
        using (var report = JsonDocument.Parse(byLevel.Stdout))
        {
            Assert.Equal("BACKWARD", report.RootElement.GetProperty("mode").GetString());
        }

        Assert.True(none.ExitCode == 0, none.ToString());
    }

    [Fact]
    public async Task An_unknown_subject_has_nothing_to_break()
    {
        var run = await Herald("schema", "check", UniqueSubject(), files.OrdersV3());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("nothing to break", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_schema_is_refused_with_exit_two()
    {
        var run = await Herald("schema", "register", UniqueSubject(), files.Write("broken.json", "{ \"type\": "));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: ", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}

public sealed class SchemaRegistryUnreachableTests : IDisposable
{
    private readonly SchemaFiles files = new();

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData("register")]
    [InlineData("check")]
    public async Task An_unreachable_registry_is_one_error_line(string verb)
    {
        using var closed = new ClosedPort();
        var url = $"http://{closed.EndPoint}";
        var schema = files.Write("user.avsc", """{"type": "record", "name": "User", "fields": [{"name": "id", "type": "string"}]}""");

        var run = await CliRun.RunAsync(["schema", verb, "users-value", schema, "--registry", url]);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal($"error: cannot reach schema registry at {url}", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task An_invalid_registry_url_is_bad_input()
    {
        var run = await CliRun.RunAsync(["schema", "register", "orders-value", files.OrdersV1(), "--registry", "not a url"]);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("error: invalid --registry URL", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
