using Microsoft.Extensions.Logging;

namespace Herald.Broker.Security;

/// <summary>What every connection's <see cref="SaslSession"/> shares: the enabled mechanisms, the users, the failure throttle.</summary>
internal sealed class SaslAuthenticator
{
    public SaslAuthenticator(AuthenticationOptions options, CredentialStore credentials, ILogger logger, TimeProvider time)
    {
        var unknown = options.Mechanisms.Where(m => !SaslMechanisms.All.Contains(m, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0 || options.Mechanisms.Count == 0)
        {
            throw new ArgumentException(
                $"SASL mechanisms must be some of {string.Join(", ", SaslMechanisms.All)}; got {string.Join(", ", options.Mechanisms)}", nameof(options));
        }

        Mechanisms = [.. options.Mechanisms.Distinct(StringComparer.Ordinal)];
        SessionLifetime = options.SessionLifetime;
        Credentials = credentials;
        Logger = logger;
        Time = time;
        Throttle = new FailedLoginThrottle(options.FailedLoginDelay, options.MaxFailedLoginDelay, time);
    }

    /// <summary>The enabled mechanisms, as the SaslHandshake response lists them.</summary>
    public List<string> Mechanisms { get; }

    /// <summary>KIP-368's session lifetime; zero when sessions never expire.</summary>
    public TimeSpan SessionLifetime { get; }

    public CredentialStore Credentials { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public FailedLoginThrottle Throttle { get; }

    /// <summary>The state of a new connection from <paramref name="clientHost"/>: not authenticated.</summary>
    public SaslSession StartSession(string clientHost) => new(this, clientHost);

    /// <summary>A fresh server for <paramref name="mechanism"/>, or null when it is not enabled.</summary>
    public ISaslServer? CreateServer(string mechanism)
    {
        if (!Mechanisms.Contains(mechanism, StringComparer.Ordinal))
        {
            return null;
        }

        return mechanism == SaslMechanisms.Plain
            ? new PlainSaslServer(Credentials)
            : new ScramSaslServer(ScramMechanism.FromName(mechanism)!, Credentials);
    }
}
