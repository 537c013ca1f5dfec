using System.Security.Cryptography;

namespace Herald.Broker.Security;

/// <summary>What the server keeps for one user and mechanism: enough to check a login, never enough to log in.</summary>
/// <param name="Mechanism">The hash family.</param>
/// <param name="Salt">The random salt the password was salted with.</param>
/// <param name="Iterations">The PBKDF2 iteration count (4096 to 16384).</param>
/// <param name="StoredKey"><c>H(HMAC(SaltedPassword, "Client Key"))</c>.</param>
/// <param name="ServerKey"><c>HMAC(SaltedPassword, "Server Key")</c>.</param>
internal sealed record ScramCredential(ScramMechanism Mechanism, byte[] Salt, int Iterations, byte[] StoredKey, byte[] ServerKey)
{
    /// <summary>The salt length Herald generates: as long as the longest key, well over RFC 5802's minimum.</summary>
    internal const int SaltLength = 64;

    /// <summary>Derives a credential from a password with a fresh random salt.</summary>
    public static ScramCredential FromPassword(ScramMechanism mechanism, string password, int iterations = ScramMechanism.MinIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltLength);
        return FromSaltedPassword(mechanism, salt, iterations, mechanism.SaltedPassword(password, salt, iterations));
    }

    /// <summary>Derives a credential from the SaltedPassword a client computed (AlterUserScramCredentials sends that, not the password).</summary>
    public static ScramCredential FromSaltedPassword(ScramMechanism mechanism, byte[] salt, int iterations, ReadOnlySpan<byte> saltedPassword) =>
        new(mechanism, salt, iterations, mechanism.StoredKey(mechanism.ClientKey(saltedPassword)), mechanism.ServerKey(saltedPassword));

    /// <summary>Whether <paramref name="password"/> is this credential's password (a PLAIN login), in constant time.</summary>
    public bool Matches(string password)
    {
        var candidate = Mechanism.StoredKey(Mechanism.ClientKey(Mechanism.SaltedPassword(password, Salt, Iterations)));
        return CryptographicOperations.FixedTimeEquals(candidate, StoredKey);
    }

    /// <summary>Hides the keys, so logging a credential never helps an offline guess.</summary>
    public override string ToString() => $"ScramCredential {{ Mechanism = {Mechanism}, Iterations = {Iterations} }}";
}
