using System.Text;

namespace Herald.Broker.Security;

/// <summary>
/// RFC 4616 PLAIN: one message <c>[authzid] NUL authcid NUL passwd</c>, checked against the SCRAM credentials by
/// deriving the stored key from the password (Redpanda does the same), so no password is ever stored.
/// </summary>
internal sealed class PlainSaslServer(CredentialStore credentials) : ISaslServer
{
    /// <summary>Longer names or passwords are refused before any key derivation (Redpanda's limit).</summary>
    private const int MaxFieldBytes = 255;

    private bool _done;

    public string Mechanism => SaslMechanisms.Plain;

    public string? User { get; private set; }

    public SaslStep Evaluate(ReadOnlySpan<byte> response)
    {
        if (_done)
        {
            return SaslStep.Failed("PLAIN takes one message");
        }

        _done = true;
        int first = response.IndexOf((byte)0);
        int second = first < 0 ? -1 : response[(first + 1)..].IndexOf((byte)0);
        if (second < 0)
        {
            return SaslStep.Failed("malformed PLAIN message");
        }

        second += first + 1;
        var authorizationId = response[..first];
        var user = response[(first + 1)..second];
        var password = response[(second + 1)..];
        if (user.IsEmpty || user.Length > MaxFieldBytes || password.Length > MaxFieldBytes)
        {
            return SaslStep.Failed("empty or over-long user name or password");
        }

        User = Encoding.UTF8.GetString(user);
        if (!authorizationId.IsEmpty && !authorizationId.SequenceEqual(user))
        {
            return SaslStep.Failed("the authorization id differs from the user name");
        }

        var stored = credentials.Find(User);
        var passwordText = Encoding.UTF8.GetString(password);
        if (stored is null || stored.Credentials.Count == 0)
        {
            // Same work as for a known user, so the answer's timing does not tell whether the user exists.
            _ = credentials.Decoy(User, ScramMechanism.Sha256).Matches(passwordText);
            return SaslStep.Failed("unknown user");
        }

        var credential = stored.Find(ScramMechanism.Sha256) ?? stored.Find(ScramMechanism.Sha512)!;
        return credential.Matches(passwordText) ? SaslStep.Succeeded([]) : SaslStep.Failed("wrong password");
    }
}
