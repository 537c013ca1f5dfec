using System.Text.Json;
using Herald.Testing;

namespace Herald.Cli.Tests.Security;

/// <summary><c>herald users</c> and the <c>-X</c> / <c>--client-config</c> properties against <c>herald serve --auth</c>.</summary>
[Trait("Category", "EndToEnd")]
public sealed class UsersCommandTests
{
    private static string[] Login(string user, string password, string mechanism = "SCRAM-SHA-256") =>
        ["-X", "security.protocol=SASL_PLAINTEXT", "-X", $"sasl.mechanisms={mechanism}", "-X", $"sasl.username={user}", "-X", $"sasl.password={password}"];

    private static string[] AsAdmin => Login(SecureTestBroker.AdminUser, SecureTestBroker.AdminPassword, "SCRAM-SHA-512");

    private static async Task<CliRun> HeraldAsync(string[] args, string? stdin = null) =>
        await CliRun.RunAsync([.. args, "--bootstrap", (await SecureTestBroker.Shared).KafkaBootstrap], stdin);

    private static async Task<List<string>> ListUsersAsync()
    {
        var list = await HeraldAsync(["users", "list", "--json", .. AsAdmin]);
        Assert.True(list.ExitCode == 0, list.ToString());
        using var users = JsonDocument.Parse(list.Stdout);
        return [.. users.RootElement.EnumerateArray().Select(u => u.GetProperty("user").GetString()!)];
    }

    [Fact]
    public async Task Users_add_list_and_delete_manage_a_user_who_can_then_log_in_with_every_mechanism()
    {
        var user = TestBroker.UniqueName("cli-user");
        var topic = TestBroker.UniqueName("cli-sasl");

        var added = await HeraldAsync(["users", "add", user, "--password-stdin", .. AsAdmin], "s3cret-password\n");
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains($"user '{user}': SCRAM-SHA-256 and SCRAM-SHA-512 credentials set (4096 iterations)", added.Stderr, StringComparison.Ordinal);

        var list = await HeraldAsync(["users", "list", "--json", .. AsAdmin]);
        using (var users = JsonDocument.Parse(list.Stdout))
        {
            var entry = Assert.Single(users.RootElement.EnumerateArray(), u => u.GetProperty("user").GetString() == user);
            Assert.Equal(
                ["SCRAM-SHA-256:4096", "SCRAM-SHA-512:4096"],
                entry.GetProperty("credentials").EnumerateArray().Select(c => $"{c.GetProperty("mechanism").GetString()}:{c.GetProperty("iterations").GetInt32()}"));
        }

        var table = await HeraldAsync(["users", "list", .. AsAdmin]);
        Assert.Contains(table.StdoutLines, l => l.Contains(user, StringComparison.Ordinal) && l.Contains("SCRAM-SHA-512 (4096 iterations)", StringComparison.Ordinal));

        // The password trimmed of its newline, with PLAIN and both SCRAM mechanisms, on a producer and a consumer.
        Assert.Equal(0, (await HeraldAsync(["topic", "create", topic, .. Login(user, "s3cret-password", "PLAIN")])).ExitCode);
        var produced = await HeraldAsync(["produce", topic, .. Login(user, "s3cret-password", "SCRAM-SHA-256")], "hello\n");
        Assert.True(produced.ExitCode == 0, produced.ToString());
        var consumed = await HeraldAsync(["consume", topic, "--from-beginning", "--count", "1", "--timeout", "20", .. Login(user, "s3cret-password", "SCRAM-SHA-512")]);
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        Assert.Equal(["hello"], consumed.StdoutLines);

        var deleted = await HeraldAsync(["users", "delete", user, .. AsAdmin]);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains($"deleted user '{user}' (SCRAM-SHA-256, SCRAM-SHA-512)", deleted.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(user, await ListUsersAsync());

        var refused = await HeraldAsync(["topic", "list", .. Login(user, "s3cret-password")]);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error: authentication failed at ", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Users_add_with_one_mechanism_and_more_iterations_creates_only_that_credential()
    {
        var user = TestBroker.UniqueName("cli-512");

        var added = await HeraldAsync(["users", "add", user, "--mechanism", "SCRAM-SHA-512", "--iterations", "8192", "--password-stdin", .. AsAdmin], "pw");

        Assert.True(added.ExitCode == 0, added.ToString());
        var list = await HeraldAsync(["users", "list", "--json", .. AsAdmin]);
        using var users = JsonDocument.Parse(list.Stdout);
        var entry = Assert.Single(users.RootElement.EnumerateArray(), u => u.GetProperty("user").GetString() == user);
        var credential = Assert.Single(entry.GetProperty("credentials").EnumerateArray());
        Assert.Equal("SCRAM-SHA-512", credential.GetProperty("mechanism").GetString());
        Assert.Equal(8192, credential.GetProperty("iterations").GetInt32());
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_cannot_add_users()
    {
        var user = TestBroker.UniqueName("cli-plain-user");
        Assert.Equal(0, (await HeraldAsync(["users", "add", user, "--password-stdin", .. AsAdmin], "pw")).ExitCode);

        var refused = await HeraldAsync(["users", "add", TestBroker.UniqueName("cli-other"), "--password-stdin", .. Login(user, "pw")], "pw");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Only an administrator may change another user's credentials", Assert.Single(refused.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_user_who_does_not_exist_says_so()
    {
        var user = TestBroker.UniqueName("cli-nobody");

        var run = await HeraldAsync(["users", "delete", user, .. AsAdmin]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: user '{user}' does not exist", Assert.Single(run.StderrLines));
    }

    [Fact]
    public async Task Users_add_without_password_stdin_is_a_usage_error_that_says_why()
    {
        var run = await CliRun.RunAsync(["users", "add", "alice"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--password-stdin is required", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_reported_as_an_authentication_failure()
    {
        var run = await HeraldAsync(["topic", "list", .. Login(SecureTestBroker.AdminUser, "not-the-password")]);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: authentication failed at ", line, StringComparison.Ordinal);
        Assert.Contains("sasl.username", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_config_file_written_for_kafkas_tools_logs_in_with_its_jaas_line()
    {
        var file = Path.Combine(TestBroker.NewDataDirectory(), "client.properties");
        await File.WriteAllTextAsync(file, $"""
            # as passed to kafka-topics.sh --command-config
            security.protocol=SASL_PLAINTEXT
            sasl.mechanism=SCRAM-SHA-256
            sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \
                username="{SecureTestBroker.AdminUser}" \
                password="{SecureTestBroker.AdminPassword}";
            """);

        var run = await HeraldAsync(["users", "list", "--client-config", file]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(run.StdoutLines, l => l.Contains(SecureTestBroker.AdminUser, StringComparison.Ordinal));
    }

    [Fact]
    public async Task X_properties_override_the_client_config_file()
    {
        var file = Path.Combine(TestBroker.NewDataDirectory(), "client.properties");
        await File.WriteAllTextAsync(file, string.Join('\n', Login(SecureTestBroker.AdminUser, "stale-password").Where(a => a != "-X")));

        var run = await HeraldAsync(["topic", "list", "--client-config", file, "-X", $"sasl.password={SecureTestBroker.AdminPassword}", "-X", "sasl.mechanisms=SCRAM-SHA-512"]);

        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Fact]
    public async Task An_unknown_client_property_is_a_usage_error_naming_it()
    {
        var run = await HeraldAsync(["topic", "list", "-X", "no.such.property=1"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("error: invalid client property", line, StringComparison.Ordinal);
        Assert.Contains("no.such.property", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_X_without_key_equals_value_is_a_usage_error()
    {
        var run = await HeraldAsync(["topic", "list", "-X", "security.protocol"]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: -X expects key=value", Assert.Single(run.StderrLines), StringComparison.Ordinal);
    }
}
