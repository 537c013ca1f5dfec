using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

public sealed class SecurityLogTests
{
    [Fact]
    public async Task A_failed_login_is_logged_with_the_user_and_address_and_no_password_appears_in_any_log_line()
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var wrong = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);

        Assert.True(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, "PLAIN", user, password));
        Assert.True(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-256", user, password));
        Assert.False(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, "PLAIN", user, wrong));
        Assert.False(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-512", user, wrong));

        var failures = SecureTestBroker.SharedLogs.Lines.Where(l => l.Contains($"login failed for user '{user}' from 127.0.0.1", StringComparison.Ordinal)).ToList();
        Assert.Contains(failures, l => l.Contains("SASL PLAIN", StringComparison.Ordinal) && l.Contains("wrong password", StringComparison.Ordinal));
        Assert.Contains(failures, l => l.Contains("SASL SCRAM-SHA-512", StringComparison.Ordinal));
        Assert.Contains(SecureTestBroker.SharedLogs.Lines, l => l.Contains($"SCRAM credentials changed by '{SecureTestBroker.AdminUser}'", StringComparison.Ordinal) && l.Contains(user, StringComparison.Ordinal));
        foreach (var secret in new[] { password, wrong, SecureTestBroker.AdminPassword })
        {
            Assert.DoesNotContain(SecureTestBroker.SharedLogs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
        }
    }
}
