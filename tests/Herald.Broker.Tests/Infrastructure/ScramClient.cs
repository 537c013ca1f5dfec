using System.Security.Cryptography;
using System.Text;

namespace Herald.Broker.Tests.Infrastructure;

/// <summary>
/// The client side of SCRAM (RFC 5802), written from the RFC independently of the broker's code, for raw-socket tests
/// of the paths librdkafka does not take (SaslAuthenticate v2, v0 raw tokens).
/// </summary>
/// <param name="repeatClientNonce">Send the client nonce twice in client-final, as librdkafka up to 2.6.0 does.</param>
public sealed class ScramClient(string mechanism, string user, string password, bool repeatClientNonce = false)
{
    private readonly HashAlgorithmName _hash = mechanism == "SCRAM-SHA-512" ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
    private readonly string _clientNonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
    private string _clientFirstBare = string.Empty;
    private byte[] _expectedServerSignature = [];

    public byte[] ClientFirst()
    {
        _clientFirstBare = $"n={user.Replace("=", "=3D").Replace(",", "=2C")},r={_clientNonce}";
        return Encoding.UTF8.GetBytes("n,," + _clientFirstBare);
    }

    public byte[] ClientFinal(byte[] serverFirstBytes)
    {
        var serverFirst = Encoding.UTF8.GetString(serverFirstBytes);
        var attributes = serverFirst.Split(',').ToDictionary(a => a[..1], a => a[2..]);
        Assert.StartsWith(_clientNonce, attributes["r"], StringComparison.Ordinal);
        var salt = Convert.FromBase64String(attributes["s"]);
        int iterations = int.Parse(attributes["i"]);
        int length = _hash == HashAlgorithmName.SHA512 ? 64 : 32;
        var saltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, _hash, length);
        var clientKey = CryptographicOperations.HmacData(_hash, saltedPassword, "Client Key"u8);
        var storedKey = CryptographicOperations.HashData(_hash, clientKey);
        var withoutProof = $"c=biws,r={(repeatClientNonce ? _clientNonce : string.Empty)}{attributes["r"]}";
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{serverFirst},{withoutProof}");
        var clientSignature = CryptographicOperations.HmacData(_hash, storedKey, authMessage);
        var proof = clientKey.Zip(clientSignature, (k, s) => (byte)(k ^ s)).ToArray();
        var serverKey = CryptographicOperations.HmacData(_hash, saltedPassword, "Server Key"u8);
        _expectedServerSignature = CryptographicOperations.HmacData(_hash, serverKey, authMessage);
        return Encoding.UTF8.GetBytes($"{withoutProof},p={Convert.ToBase64String(proof)}");
    }

    /// <summary>Whether the server-final message proves the server knows the credential (<c>v=</c> matches).</summary>
    public bool VerifiesServer(byte[] serverFinal) =>
        Encoding.UTF8.GetString(serverFinal) == "v=" + Convert.ToBase64String(_expectedServerSignature);
}
