using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>Creates test users the way an operator would: the administrator's admin client and AlterUserScramCredentials.</summary>
internal static class SecureUsers
{
    public static IAdminClient AdminClient(string bootstrap) =>
        Clients.Admin(bootstrap, c => Clients.Login(c, "SCRAM-SHA-512", SecureTestBroker.AdminUser, SecureTestBroker.AdminPassword));

    /// <summary>A new user with <paramref name="password"/> for each mechanism (both SCRAM mechanisms by default); returns its name.</summary>
    public static async Task<string> CreateAsync(string bootstrap, string password, params ScramMechanism[] mechanisms)
    {
        var user = TestBroker.UniqueName("user");
        using var admin = AdminClient(bootstrap);
        foreach (var mechanism in mechanisms.Length > 0 ? mechanisms : [ScramMechanism.ScramSha256, ScramMechanism.ScramSha512])
        {
            await admin.AlterUserScramCredentialsAsync([new UserScramCredentialUpsertion
            {
                User = user,
                ScramCredentialInfo = new ScramCredentialInfo { Mechanism = mechanism, Iterations = 4096 },
                Password = System.Text.Encoding.UTF8.GetBytes(password),
            }]);
        }

        return user;
    }

    public static string NewPassword() => $"pw-{Guid.NewGuid():N}";
}
