using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>Users live in the data folder as SCRAM credentials only, and survive a restart.</summary>
public sealed class CredentialStorageTests
{
    [Fact]
    public async Task Users_survive_a_restart_and_plain_logins_are_checked_against_scram_only_storage()
    {
        var data = TestBroker.NewDataDirectory();
        var password = SecureUsers.NewPassword();
        string user;
        await using (var server = await SecureTestBroker.StartAsync(data))
        {
            user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password, ScramMechanism.ScramSha512);
        }

        // Restarted without --admin-user: the administrator and the user both come back from the data folder.
        await using (var restarted = await SecureTestBroker.StartAsync(data, configure: a => a with { Administrator = null }))
        {
            Assert.True(await ScramCredentialApiTests.CanLogInAsync(restarted.KafkaBootstrap, "PLAIN", user, password));
            Assert.True(await ScramCredentialApiTests.CanLogInAsync(restarted.KafkaBootstrap, "SCRAM-SHA-512", user, password));
            Assert.False(await ScramCredentialApiTests.CanLogInAsync(restarted.KafkaBootstrap, "PLAIN", user, "not-" + password));
            using var admin = SecureUsers.AdminClient(restarted.KafkaBootstrap);
            var users = (await admin.DescribeUserScramCredentialsAsync([])).UserScramCredentialsDescriptions.Select(d => d.User);
            Assert.Contains(user, users);
        }

        var stored = await File.ReadAllTextAsync(Path.Combine(data, "security", "users.json"));
        Assert.Contains(user, stored, StringComparison.Ordinal);
        Assert.Contains("storedKey", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(password, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(SecureTestBroker.AdminPassword, stored, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "security", "users.json")));
        }
    }

    [Fact]
    public async Task A_user_with_only_one_scram_mechanism_cannot_log_in_with_the_other()
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password, ScramMechanism.ScramSha256);

        Assert.True(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-256", user, password));
        Assert.False(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-512", user, password));
    }
}
