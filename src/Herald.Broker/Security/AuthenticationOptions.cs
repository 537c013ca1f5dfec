namespace Herald.Broker.Security;

/// <summary>Whether the Kafka listener requires SASL, and how logins behave.</summary>
/// <remarks>
/// Off by default, as Kafka's PLAINTEXT listener. When <see cref="Enabled"/>, a connection may send only ApiVersions and
/// SASL requests until it has authenticated; anything else closes it. Credentials live in the data folder as SCRAM
/// credentials only (<c>security/users.json</c>), whether or not authentication is enabled.
/// </remarks>
public sealed record AuthenticationOptions
{
    /// <summary>Require SASL on the Kafka listener (<c>herald serve --auth</c>). Default false.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// The SASL mechanisms offered, in the order the SaslHandshake response lists them (Kafka's
    /// <c>sasl.enabled.mechanisms</c>). Default PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512.
    /// </summary>
    public IReadOnlyList<string> Mechanisms { get; init; } = SaslMechanisms.All;

    /// <summary>
    /// The longest an authenticated session lasts before the client must re-authenticate on the same connection
    /// (KIP-368, Kafka's <c>connections.max.reauth.ms</c>). Default <see cref="TimeSpan.Zero"/>: sessions never expire.
    /// </summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long the answer to the first failed login from an address is held back (Kafka's
    /// <c>connection.failed.authentication.delay.ms</c>); each further failure within a minute doubles it, up to
    /// <see cref="MaxFailedLoginDelay"/>. Default 100 ms.
    /// </summary>
    public TimeSpan FailedLoginDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest a failed login's answer is held back. Default 5 s.</summary>
    public TimeSpan MaxFailedLoginDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The administrator created or updated at start (<c>herald serve --admin-user</c>): a super user with SCRAM-SHA-256
    /// and SCRAM-SHA-512 credentials. Default none.
    /// </summary>
    public AdminUser? Administrator { get; init; }
}
