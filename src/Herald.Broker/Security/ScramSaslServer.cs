using System.Security.Cryptography;
using System.Text;

namespace Herald.Broker.Security;

/// <summary>
/// The server side of SCRAM (RFC 5802, RFC 7677; Kafka's KIP-84): client-first → server-first → client-final →
/// server-final, over the stored salt, iterations, StoredKey and ServerKey.
/// </summary>
/// <remarks>
/// Unknown users get a decoy credential and fail only at the proof, as a wrong password does, so the exchange does not
/// reveal who exists. The client-final nonce is accepted when it <em>ends with</em> the server-first nonce: librdkafka up
/// to 2.6.0 sends the client nonce twice, and Kafka 3.8.1 relaxed its check to <c>endsWith</c> for it (KAFKA-17465).
/// </remarks>
internal sealed class ScramSaslServer : ISaslServer
{
    private readonly ScramMechanism _mechanism;
    private readonly CredentialStore _credentials;
    private readonly Func<string> _newNonce;
    private Stage _stage;
    private string _gs2Header = string.Empty;
    private string _clientFirstBare = string.Empty;
    private string _serverFirst = string.Empty;
    private string _nonce = string.Empty;
    private ScramCredential? _credential;
    private string? _unknownReason;

    public ScramSaslServer(ScramMechanism mechanism, CredentialStore credentials)
        : this(mechanism, credentials, NewNonce)
    {
    }

    /// <summary>With a fixed server nonce, for the RFC 7677 test vector.</summary>
    internal ScramSaslServer(ScramMechanism mechanism, CredentialStore credentials, Func<string> newNonce)
    {
        _mechanism = mechanism;
        _credentials = credentials;
        _newNonce = newNonce;
    }

    private enum Stage
    {
        ClientFirst,
        ClientFinal,
        Done,
    }

    public string Mechanism => _mechanism.Name;

    public string? User { get; private set; }

    public SaslStep Evaluate(ReadOnlySpan<byte> response)
    {
        string message;
        try
        {
            message = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(response);
        }
        catch (DecoderFallbackException)
        {
            _stage = Stage.Done;
            return SaslStep.Failed("a SCRAM message that is not UTF-8");
        }

        var stage = _stage;
        _stage = stage == Stage.ClientFirst ? Stage.ClientFinal : Stage.Done;
        return stage switch
        {
            Stage.ClientFirst => ClientFirst(message),
            Stage.ClientFinal => ClientFinal(message),
            _ => SaslStep.Failed("a message after the SCRAM exchange ended"),
        };
    }

    /// <summary>24 bytes from the CSPRNG, base64: printable and free of commas, as RFC 5802 requires of a nonce.</summary>
    private static string NewNonce() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    private SaslStep ClientFirst(string message)
    {
        // gs2-header: "n," (no channel binding; Kafka supports no other) [ "a=" authzid ] ","
        if (!message.StartsWith("n,", StringComparison.Ordinal))
        {
            _stage = Stage.Done;
            return SaslStep.Failed("client-first message without the 'n' GS2 header (channel binding is not supported)");
        }

        int headerEnd = message.IndexOf(',', 2);
        if (headerEnd < 0)
        {
            _stage = Stage.Done;
            return SaslStep.Failed("malformed client-first message");
        }

        var authorizationId = message[2..headerEnd];
        _gs2Header = message[..(headerEnd + 1)];
        _clientFirstBare = message[(headerEnd + 1)..];
        var attributes = _clientFirstBare.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("n=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal)
            || attributes[1].Length == 2 || (authorizationId.Length > 0 && !authorizationId.StartsWith("a=", StringComparison.Ordinal)))
        {
            _stage = Stage.Done;
            return SaslStep.Failed("malformed client-first message");
        }

        var user = Unescape(attributes[0][2..]);
        if (user is null || user.Length == 0 || (authorizationId.Length > 0 && Unescape(authorizationId[2..]) != user))
        {
            _stage = Stage.Done;
            return SaslStep.Failed("malformed user name, or an authorization id that differs from it");
        }

        User = user;
        if (attributes.Skip(2).Any(a => a.StartsWith("tokenauth=", StringComparison.Ordinal)))
        {
            // Delegation tokens are not supported; going on would check the token as a password.
            _stage = Stage.Done;
            return SaslStep.Failed("a delegation-token login (tokenauth), which Herald does not support");
        }

        var stored = _credentials.Find(user);
        _credential = stored?.Find(_mechanism);
        if (_credential is null)
        {
            _unknownReason = stored is null ? "unknown user" : $"the user has no {_mechanism.Name} credential";
            _credential = _credentials.Decoy(user, _mechanism);
        }

        _nonce = attributes[1][2..] + _newNonce();
        _serverFirst = $"r={_nonce},s={Convert.ToBase64String(_credential.Salt)},i={_credential.Iterations}";
        return SaslStep.Continue(Encoding.UTF8.GetBytes(_serverFirst));
    }

    private SaslStep ClientFinal(string message)
    {
        int proofAt = message.LastIndexOf(",p=", StringComparison.Ordinal);
        if (proofAt < 0)
        {
            return SaslStep.Failed("malformed client-final message");
        }

        var withoutProof = message[..proofAt];
        var attributes = withoutProof.Split(',');
        if (attributes.Length < 2 || !attributes[0].StartsWith("c=", StringComparison.Ordinal) || !attributes[1].StartsWith("r=", StringComparison.Ordinal))
        {
            return SaslStep.Failed("malformed client-final message");
        }

        if (attributes[0][2..] != Convert.ToBase64String(Encoding.UTF8.GetBytes(_gs2Header)))
        {
            return SaslStep.Failed("the channel binding differs from the GS2 header");
        }

        if (!attributes[1][2..].EndsWith(_nonce, StringComparison.Ordinal))
        {
            return SaslStep.Failed("the client-final nonce does not end with the server nonce");
        }

        var proof = new byte[_mechanism.KeyLength];
        if (!Convert.TryFromBase64String(message[(proofAt + 3)..], proof, out int proofLength) || proofLength != proof.Length)
        {
            return SaslStep.Failed("malformed client proof");
        }

        var credential = _credential!;
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        var clientSignature = _mechanism.Hmac(credential.StoredKey, authMessage);
        for (int i = 0; i < proof.Length; i++)
        {
            proof[i] ^= clientSignature[i];
        }

        bool matches = CryptographicOperations.FixedTimeEquals(_mechanism.StoredKey(proof), credential.StoredKey);
        if (_unknownReason is not null)
        {
            return SaslStep.Failed(_unknownReason);
        }

        if (!matches)
        {
            return SaslStep.Failed("wrong password");
        }

        var serverSignature = _mechanism.Hmac(credential.ServerKey, authMessage);
        return SaslStep.Succeeded(Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(serverSignature)));
    }

    /// <summary>RFC 5802 saslname: <c>=2C</c> is a comma, <c>=3D</c> an equals sign, and any other <c>=</c> is an error.</summary>
    private static string? Unescape(string name)
    {
        if (!name.Contains('=', StringComparison.Ordinal))
        {
            return name;
        }

        var text = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            if (name[i] != '=')
            {
                text.Append(name[i]);
            }
            else if (string.CompareOrdinal(name, i, "=2C", 0, 3) == 0)
            {
                text.Append(',');
                i += 2;
            }
            else if (string.CompareOrdinal(name, i, "=3D", 0, 3) == 0)
            {
                text.Append('=');
                i += 2;
            }
            else
            {
                return null;
            }
        }

        return text.ToString();
    }
}
