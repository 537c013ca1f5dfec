using Herald.Broker.Network;
using Herald.Broker.Security;
using Herald.Protocol;
using Herald.Protocol.Messages;
using static Herald.Protocol.Messages.AlterUserScramCredentialsResponse;
using static Herald.Protocol.Messages.DescribeUserScramCredentialsResponse;

namespace Herald.Broker;

/// <summary>DescribeUserScramCredentials and AlterUserScramCredentials (KIP-554), as Kafka's admin clients send them.</summary>
/// <remarks>
/// Error codes and messages follow Kafka's <c>ScramControlManager</c>. With SASL on, a user may describe and change only
/// their own credentials; super users (administrators) may manage everyone's. With SASL off, as in Kafka without an
/// authorizer, anyone may, so users can be set up before authentication is turned on.
/// </remarks>
public sealed partial class KafkaBroker
{
    private bool MayManage(RequestContext context, string user) =>
        Authenticator is null || context.IsSuperUser || string.Equals(context.User, user, StringComparison.Ordinal);

    private DescribeUserScramCredentialsResponse DescribeUserScramCredentials(DescribeUserScramCredentialsRequest request, RequestContext context)
    {
        var response = new DescribeUserScramCredentialsResponse { ErrorMessage = null };
        var users = Credentials.Users;
        if (request.Users is not { Count: > 0 } named)
        {
            // Everyone the caller may see: all users for an administrator, themselves otherwise.
            foreach (var user in users.Values.Where(u => MayManage(context, u.Name)).OrderBy(u => u.Name, StringComparer.Ordinal))
            {
                response.Results.Add(Describe(user));
            }

            return response;
        }

        var counts = named.GroupBy(u => u.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var name in named.Select(u => u.Name).Distinct(StringComparer.Ordinal))
        {
            response.Results.Add(
                counts[name] > 1 ? DescribeError(name, ErrorCode.DuplicateResource, "Cannot describe SCRAM credentials for the same user twice in a single request")
                : !MayManage(context, name) ? DescribeError(name, ErrorCode.ClusterAuthorizationFailed, "Only an administrator may describe another user's credentials")
                : users.TryGetValue(name, out var user) ? Describe(user)
                : DescribeError(name, ErrorCode.ResourceNotFound, "Attempt to describe a user credential that does not exist"));
        }

        return response;
    }

    private static DescribeUserScramCredentialsResult Describe(StoredUser user) => new()
    {
        User = user.Name,
        ErrorMessage = null,
        CredentialInfos = [.. user.Credentials.Values.OrderBy(c => c.Mechanism.Type).Select(c => new CredentialInfo { Mechanism = c.Mechanism.Type, Iterations = c.Iterations })],
    };

    private static DescribeUserScramCredentialsResult DescribeError(string user, ErrorCode error, string message) =>
        new() { User = user, ErrorCode = (short)error, ErrorMessage = message };

    private AlterUserScramCredentialsResponse AlterUserScramCredentials(AlterUserScramCredentialsRequest request, RequestContext context)
    {
        // Kafka lets a user appear once per request, across deletions and upsertions.
        var appearances = request.Deletions.Select(d => d.Name).Concat(request.Upsertions.Select(u => u.Name))
            .GroupBy(n => n, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var results = new List<AlterUserScramCredentialsResult>();
        var changes = new List<CredentialChange>();
        foreach (var name in appearances.Keys.Where(n => appearances[n] > 1))
        {
            results.Add(AlterResult(name, ErrorCode.DuplicateResource, "A user credential cannot be altered twice in the same request"));
        }

        foreach (var deletion in request.Deletions.Where(d => appearances[d.Name] == 1))
        {
            var mechanism = ScramMechanism.FromType(deletion.Mechanism);
            var refusal = Refuse(context, deletion.Name, mechanism)
                ?? (Credentials.Find(deletion.Name)?.Find(mechanism!) is null ? (ErrorCode.ResourceNotFound, "Attempt to delete a user credential that does not exist") : null);
            results.Add(AlterResult(deletion.Name, refusal));
            if (refusal is null)
            {
                changes.Add(new CredentialChange(deletion.Name, mechanism!, null));
            }
        }

        foreach (var upsertion in request.Upsertions.Where(u => appearances[u.Name] == 1))
        {
            var mechanism = ScramMechanism.FromType(upsertion.Mechanism);
            var refusal = Refuse(context, upsertion.Name, mechanism) ?? RefuseCredential(upsertion, mechanism!);
            results.Add(AlterResult(upsertion.Name, refusal));
            if (refusal is null)
            {
                changes.Add(new CredentialChange(
                    upsertion.Name, mechanism!, ScramCredential.FromSaltedPassword(mechanism!, upsertion.Salt, upsertion.Iterations, upsertion.SaltedPassword)));
            }
        }

        try
        {
            Credentials.Apply(changes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SecurityLog.CredentialsNotSaved(_securityLogger, e);
            foreach (var result in results.Where(r => r.ErrorCode == 0))
            {
                result.ErrorCode = (short)ErrorCode.KafkaStorageError;
                result.ErrorMessage = "The credentials could not be written to the data folder; see the server log";
            }

            return new AlterUserScramCredentialsResponse { Results = results };
        }

        if (changes.Count > 0)
        {
            SecurityLog.CredentialsChanged(
                _securityLogger, context.User ?? "ANONYMOUS", context.ClientHost,
                string.Join("; ", changes.Select(c => c.Credential is null
                    ? $"deleted {c.User} {c.Mechanism.Name}"
                    : $"set {c.User} {c.Mechanism.Name} ({c.Credential.Iterations} iterations)")));
        }

        return new AlterUserScramCredentialsResponse { Results = results };
    }

    private (ErrorCode, string)? Refuse(RequestContext context, string user, ScramMechanism? mechanism) =>
        user.Length == 0 ? (ErrorCode.UnacceptableCredential, "Username must not be empty")
        : user == CredentialStore.InternalUser ? (ErrorCode.UnacceptableCredential, $"The user name {user} is reserved for Herald's own clients")
        : mechanism is null ? (ErrorCode.UnsupportedSaslMechanism, "Unknown SCRAM mechanism")
        : !MayManage(context, user) ? (ErrorCode.ClusterAuthorizationFailed, "Only an administrator may change another user's credentials")
        : null;

    private static (ErrorCode, string)? RefuseCredential(AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsertion, ScramMechanism mechanism) =>
        upsertion.Iterations < ScramMechanism.MinIterations ? (ErrorCode.UnacceptableCredential, "Too few iterations")
        : upsertion.Iterations > ScramMechanism.MaxIterations ? (ErrorCode.UnacceptableCredential, "Too many iterations")
        : upsertion.Salt.Length == 0 ? (ErrorCode.UnacceptableCredential, "The salt must not be empty")
        : upsertion.SaltedPassword.Length != mechanism.KeyLength ? (ErrorCode.UnacceptableCredential, $"A {mechanism.Name} salted password is {mechanism.KeyLength} bytes")
        : null;

    private static AlterUserScramCredentialsResult AlterResult(string user, (ErrorCode Error, string Message)? refusal) =>
        refusal is { } r ? AlterResult(user, r.Error, r.Message) : new AlterUserScramCredentialsResult { User = user, ErrorMessage = null };

    private static AlterUserScramCredentialsResult AlterResult(string user, ErrorCode error, string message) =>
        new() { User = user, ErrorCode = (short)error, ErrorMessage = message };
}
