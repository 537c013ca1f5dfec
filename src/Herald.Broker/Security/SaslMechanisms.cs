namespace Herald.Broker.Security;

/// <summary>The SASL mechanism names Herald implements, spelled as clients send them in SaslHandshake.</summary>
public static class SaslMechanisms
{
    /// <summary>RFC 4616: the password travels in the clear, so use it only on trusted networks (or TLS, later).</summary>
    public const string Plain = "PLAIN";

    /// <summary>RFC 7677: a challenge-response login; the password never leaves the client.</summary>
    public const string ScramSha256 = "SCRAM-SHA-256";

    /// <summary>RFC 5802 with SHA-512 (Kafka's KIP-84).</summary>
    public const string ScramSha512 = "SCRAM-SHA-512";

    /// <summary>Every mechanism, in the order Kafka lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Plain, ScramSha256, ScramSha512];
}
