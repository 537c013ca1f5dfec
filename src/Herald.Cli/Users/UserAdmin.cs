using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Cli.Commands;
using Herald.Cli.Kafka;

namespace Herald.Cli.Users;

/// <summary>The Kafka admin calls behind <c>herald users</c>, each bounded and its errors in one line.</summary>
internal sealed class UserAdmin(KafkaClients clients, IAdminClient admin)
{
    /// <summary>Every user the caller may see (all of them for an administrator), by name.</summary>
    public async Task<List<UserSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var described = await DescribeAsync([], cancellationToken).ConfigureAwait(false);
        return [.. described.OrderBy(d => d.User, StringComparer.Ordinal).Select(Summarize)];
    }

    /// <summary>Sets <paramref name="user"/>'s password for each mechanism; one request per mechanism, as Kafka allows a user once per request.</summary>
    public async Task SetPasswordAsync(string user, byte[] password, IReadOnlyList<ScramMechanism> mechanisms, int iterations, CancellationToken cancellationToken)
    {
        foreach (var mechanism in mechanisms)
        {
            await AlterAsync(
                new UserScramCredentialUpsertion
                {
                    User = user,
                    ScramCredentialInfo = new ScramCredentialInfo { Mechanism = mechanism, Iterations = iterations },
                    Password = password,
                },
                $"cannot set the {UsersCommand.MechanismName(mechanism)} credential of user '{user}'",
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes every credential of <paramref name="user"/>; returns the mechanisms deleted.</summary>
    public async Task<IReadOnlyList<string>> DeleteAsync(string user, CancellationToken cancellationToken)
    {
        var description = (await DescribeAsync([user], cancellationToken).ConfigureAwait(false)).Single();
        var deleted = new List<string>();
        foreach (var credential in description.ScramCredentialInfos)
        {
            await AlterAsync(
                new UserScramCredentialDeletion { User = user, Mechanism = credential.Mechanism },
                $"cannot delete the {UsersCommand.MechanismName(credential.Mechanism)} credential of user '{user}'",
                cancellationToken).ConfigureAwait(false);
            deleted.Add(UsersCommand.MechanismName(credential.Mechanism));
        }

        return deleted;
    }

    private async Task<List<UserScramCredentialsDescription>> DescribeAsync(IReadOnlyList<string> users, CancellationToken cancellationToken)
    {
        try
        {
            var result = await admin.DescribeUserScramCredentialsAsync(users, new DescribeUserScramCredentialsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return result.UserScramCredentialsDescriptions;
        }
        catch (DescribeUserScramCredentialsException e) when (e.Results.UserScramCredentialsDescriptions.FirstOrDefault(d => d.Error.IsError) is { } failed)
        {
            throw failed.Error.Code == ErrorCode.ResourceNotFound
                ? new CliException($"user '{failed.User}' does not exist", e)
                : new CliException($"cannot describe user '{failed.User}': {failed.Error.Reason}", e);
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e);
        }
    }

    private async Task AlterAsync(UserScramCredentialAlteration alteration, string what, CancellationToken cancellationToken)
    {
        try
        {
            await admin.AlterUserScramCredentialsAsync([alteration], new AlterUserScramCredentialsOptions { RequestTimeout = KafkaClients.RequestTimeout })
                .WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AlterUserScramCredentialsException e) when (e.Results.FirstOrDefault(r => r.Error.IsError) is { } failed)
        {
            throw new CliException($"{what}: {failed.Error.Reason}", e);
        }
        catch (KafkaException e)
        {
            throw clients.Describe(e.Error, e);
        }
    }

    private static UserSummary Summarize(UserScramCredentialsDescription description) => new(
        description.User,
        [.. description.ScramCredentialInfos.OrderBy(c => c.Mechanism).Select(c => new UserCredentialSummary(UsersCommand.MechanismName(c.Mechanism), c.Iterations))]);
}
