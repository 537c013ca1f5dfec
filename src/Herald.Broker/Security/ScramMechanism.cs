using System.Security.Cryptography;
using System.Text;

namespace Herald.Broker.Security;

/// <summary>One SCRAM hash family and the RFC 5802 key derivations over it.</summary>
/// <remarks>
/// The type ids are Kafka's (<c>ScramMechanism</c> in the admin API: 1 = SCRAM-SHA-256, 2 = SCRAM-SHA-512), used by
/// AlterUserScramCredentials and DescribeUserScramCredentials. Passwords are used as their UTF-8 bytes without SASLprep,
/// as Kafka, librdkafka and kafkajs do.
/// </remarks>
internal sealed class ScramMechanism
{
    /// <summary>The fewest iterations Kafka accepts (<c>ScramMechanism.minIterations</c>); also the default.</summary>
    public const int MinIterations = 4096;

    /// <summary>The most iterations Kafka accepts (<c>ScramControlManager.MAX_ITERATIONS</c>).</summary>
    public const int MaxIterations = 16384;

    private static readonly byte[] ClientKeyLabel = "Client Key"u8.ToArray();
    private static readonly byte[] ServerKeyLabel = "Server Key"u8.ToArray();

    private ScramMechanism(string name, sbyte type, HashAlgorithmName hash, int keyLength)
    {
        Name = name;
        Type = type;
        Hash = hash;
        KeyLength = keyLength;
    }

    /// <summary>SCRAM-SHA-256 (type 1).</summary>
    public static ScramMechanism Sha256 { get; } = new(SaslMechanisms.ScramSha256, 1, HashAlgorithmName.SHA256, 32);

    /// <summary>SCRAM-SHA-512 (type 2).</summary>
    public static ScramMechanism Sha512 { get; } = new(SaslMechanisms.ScramSha512, 2, HashAlgorithmName.SHA512, 64);

    /// <summary>Both mechanisms, SHA-256 first (the cheaper one to check a PLAIN password against).</summary>
    public static IReadOnlyList<ScramMechanism> All { get; } = [Sha256, Sha512];

    /// <summary>The SASL name, e.g. <c>SCRAM-SHA-256</c>.</summary>
    public string Name { get; }

    /// <summary>Kafka's type id.</summary>
    public sbyte Type { get; }

    internal HashAlgorithmName Hash { get; }

    /// <summary>The hash's output length: the length of SaltedPassword, StoredKey and ServerKey.</summary>
    internal int KeyLength { get; }

    /// <summary>The mechanism with SASL name <paramref name="name"/>, or null.</summary>
    public static ScramMechanism? FromName(string? name) => All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    /// <summary>The mechanism with Kafka type id <paramref name="type"/>, or null.</summary>
    public static ScramMechanism? FromType(sbyte type) => All.FirstOrDefault(m => m.Type == type);

    /// <summary>RFC 5802 <c>Hi()</c>: PBKDF2 with HMAC and one hash-length block.</summary>
    internal byte[] SaltedPassword(string password, ReadOnlySpan<byte> salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, Hash, KeyLength);

    internal byte[] Hmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => CryptographicOperations.HmacData(Hash, key, data);

    internal byte[] Digest(ReadOnlySpan<byte> data) => CryptographicOperations.HashData(Hash, data);

    internal byte[] ClientKey(ReadOnlySpan<byte> saltedPassword) => Hmac(saltedPassword, ClientKeyLabel);

    internal byte[] StoredKey(ReadOnlySpan<byte> clientKey) => Digest(clientKey);

    internal byte[] ServerKey(ReadOnlySpan<byte> saltedPassword) => Hmac(saltedPassword, ServerKeyLabel);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
