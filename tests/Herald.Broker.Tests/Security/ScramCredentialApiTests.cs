using System.Text;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>AlterUserScramCredentials and DescribeUserScramCredentials through Confluent.Kafka's admin client.</summary>
public sealed class ScramCredentialApiTests
{
    [Fact]
    public async Task The_administrator_sets_describes_and_deletes_credentials_with_the_admin_client()
    {
        var server = await SecureTestBroker.Shared;
        var user = TestBroker.UniqueName("alice");
        using var admin = SecureUsers.AdminClient(server.KafkaBootstrap);

        await admin.AlterUserScramCredentialsAsync([Upsert(user, ScramMechanism.ScramSha256, 4096, "first")]);
        await admin.AlterUserScramCredentialsAsync([Upsert(user, ScramMechanism.ScramSha512, 8192, "first")]);
        var both = Assert.Single((await admin.DescribeUserScramCredentialsAsync([user])).UserScramCredentialsDescriptions);

        Assert.Equal(
            [(ScramMechanism.ScramSha256, 4096), (ScramMechanism.ScramSha512, 8192)],
            both.ScramCredentialInfos.Select(c => (c.Mechanism, c.Iterations)).OrderBy(c => c.Mechanism));

        await admin.AlterUserScramCredentialsAsync([new UserScramCredentialDeletion { User = user, Mechanism = ScramMechanism.ScramSha512 }]);
        var left = Assert.Single((await admin.DescribeUserScramCredentialsAsync([user])).UserScramCredentialsDescriptions);
        Assert.Equal([ScramMechanism.ScramSha256], left.ScramCredentialInfos.Select(c => c.Mechanism));

        var all = await admin.DescribeUserScramCredentialsAsync([]);
        Assert.Contains(all.UserScramCredentialsDescriptions, d => d.User == user);
        Assert.Contains(all.UserScramCredentialsDescriptions, d => d.User == SecureTestBroker.AdminUser);

        var missing = await Assert.ThrowsAsync<AlterUserScramCredentialsException>(() =>
            admin.AlterUserScramCredentialsAsync([new UserScramCredentialDeletion { User = user, Mechanism = ScramMechanism.ScramSha512 }]));
        Assert.Equal(ErrorCode.ResourceNotFound, Assert.Single(missing.Results).Error.Code);

        await admin.AlterUserScramCredentialsAsync([new UserScramCredentialDeletion { User = user, Mechanism = ScramMechanism.ScramSha256 }]);
        var gone = await Assert.ThrowsAsync<DescribeUserScramCredentialsException>(() => admin.DescribeUserScramCredentialsAsync([user]));
        Assert.Equal(ErrorCode.ResourceNotFound, Assert.Single(gone.Results.UserScramCredentialsDescriptions).Error.Code);
    }

    [Fact]
    public async Task A_new_password_replaces_the_old_one()
    {
        var server = await SecureTestBroker.Shared;
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, "old-password", ScramMechanism.ScramSha256);
        using (var admin = SecureUsers.AdminClient(server.KafkaBootstrap))
        {
            await admin.AlterUserScramCredentialsAsync([Upsert(user, ScramMechanism.ScramSha256, 4096, "new-password")]);
        }

        Assert.True(await CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-256", user, "new-password"));
        Assert.False(await CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-256", user, "old-password"));
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_sees_and_changes_only_their_own_credentials()
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        var other = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        using var admin = Clients.Admin(server.KafkaBootstrap, c => Clients.Login(c, "SCRAM-SHA-256", user, password));

        var visible = await admin.DescribeUserScramCredentialsAsync([]);
        Assert.Equal([user], visible.UserScramCredentialsDescriptions.Select(d => d.User));

        var describeOther = await Assert.ThrowsAsync<DescribeUserScramCredentialsException>(() => admin.DescribeUserScramCredentialsAsync([other]));
        Assert.Equal(ErrorCode.ClusterAuthorizationFailed, Assert.Single(describeOther.Results.UserScramCredentialsDescriptions).Error.Code);

        var alterOther = await Assert.ThrowsAsync<AlterUserScramCredentialsException>(() =>
            admin.AlterUserScramCredentialsAsync([Upsert(other, ScramMechanism.ScramSha256, 4096, "taken-over")]));
        Assert.Equal(ErrorCode.ClusterAuthorizationFailed, Assert.Single(alterOther.Results).Error.Code);
        Assert.True(await CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-256", other, password));

        await admin.AlterUserScramCredentialsAsync([Upsert(user, ScramMechanism.ScramSha512, 4096, "my-new-password")]);
        Assert.True(await CanLogInAsync(server.KafkaBootstrap, "SCRAM-SHA-512", user, "my-new-password"));
    }

    [Theory]
    [InlineData(4095)]
    [InlineData(16385)]
    public async Task Iterations_outside_kafkas_bounds_are_refused_as_an_unacceptable_credential(int iterations)
    {
        var server = await SecureTestBroker.Shared;
        using var admin = SecureUsers.AdminClient(server.KafkaBootstrap);

        var refused = await Assert.ThrowsAsync<AlterUserScramCredentialsException>(() =>
            admin.AlterUserScramCredentialsAsync([Upsert(TestBroker.UniqueName("iterations"), ScramMechanism.ScramSha256, iterations, "password")]));

        Assert.Equal(ErrorCode.UnacceptableCredential, Assert.Single(refused.Results).Error.Code);
    }

    [Fact]
    public async Task Without_auth_anyone_may_set_up_users_before_authentication_is_turned_on()
    {
        var server = await TestBroker.Shared;
        var user = TestBroker.UniqueName("early");
        using var admin = Clients.Admin(server.KafkaBootstrap);

        await admin.AlterUserScramCredentialsAsync([Upsert(user, ScramMechanism.ScramSha256, 4096, "password")]);

        var described = Assert.Single((await admin.DescribeUserScramCredentialsAsync([user])).UserScramCredentialsDescriptions);
        Assert.Equal(4096, Assert.Single(described.ScramCredentialInfos).Iterations);
    }

    internal static UserScramCredentialUpsertion Upsert(string user, ScramMechanism mechanism, int iterations, string password) => new()
    {
        User = user,
        ScramCredentialInfo = new ScramCredentialInfo { Mechanism = mechanism, Iterations = iterations },
        Password = Encoding.UTF8.GetBytes(password),
    };

    /// <summary>Whether a producer logging in this way gets a record acknowledged (true) or reports a failed login (false).</summary>
    internal static async Task<bool> CanLogInAsync(string bootstrap, string mechanism, string user, string password)
    {
        var failed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var producer = Clients.Producer(
            bootstrap,
            c => Clients.Login(c, mechanism, user, password),
            error =>
            {
                if (error.Code == ErrorCode.Local_Authentication)
                {
                    failed.TrySetResult(false);
                }
            });
        var delivered = producer.ProduceAsync(TestBroker.UniqueName("login"), new Message<string?, string> { Value = "x" });
        var first = await Task.WhenAny(delivered, failed.Task).WaitAsync(TimeSpan.FromSeconds(30));
        return first == delivered ? (await delivered).Status == PersistenceStatus.Persisted : await failed.Task;
    }
}
