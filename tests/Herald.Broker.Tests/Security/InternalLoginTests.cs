using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>The in-memory user the server's own clients (the console's producer) log in with.</summary>
public sealed class InternalLoginTests
{
    [Fact]
    public async Task The_internal_user_logs_in_but_is_never_listed_stored_or_changeable_over_the_kafka_apis()
    {
        var server = await SecureTestBroker.Shared;
        var login = server.Broker.InternalLogin!;

        Assert.Equal("SCRAM-SHA-512", login.Mechanism);
        Assert.DoesNotContain(login.Password, login.ToString(), StringComparison.Ordinal);
        Assert.True(await ScramCredentialApiTests.CanLogInAsync(server.KafkaBootstrap, login.Mechanism, login.User, login.Password));

        using var admin = SecureUsers.AdminClient(server.KafkaBootstrap);
        var users = (await admin.DescribeUserScramCredentialsAsync([])).UserScramCredentialsDescriptions.Select(d => d.User);
        Assert.DoesNotContain(login.User, users);
        var refused = await Assert.ThrowsAsync<AlterUserScramCredentialsException>(() =>
            admin.AlterUserScramCredentialsAsync([ScramCredentialApiTests.Upsert(login.User, ScramMechanism.ScramSha256, 4096, "taken-over")]));
        Assert.Equal(ErrorCode.UnacceptableCredential, Assert.Single(refused.Results).Error.Code);

        var stored = await File.ReadAllTextAsync(Path.Combine(server.Options.DataDirectory, "security", "users.json"));
        Assert.DoesNotContain(login.User, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_auth_there_is_no_internal_login()
    {
        var server = await TestBroker.Shared;

        Assert.Null(server.Broker.InternalLogin);
    }
}
