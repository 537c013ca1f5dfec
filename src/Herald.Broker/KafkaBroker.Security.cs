using System.Security.Cryptography;
using Herald.Broker.Security;
using Herald.Protocol;
using Herald.Protocol.Messages;
using Microsoft.Extensions.Logging;

namespace Herald.Broker;

/// <summary>Starting the credential store and the SASL authenticator.</summary>
public sealed partial class KafkaBroker
{
    /// <summary>How the server's own clients (the console's producer) log in; null when SASL is off.</summary>
    public InternalLogin? InternalLogin { get; private set; }

    private (CredentialStore Credentials, SaslAuthenticator? Authenticator) StartSecurity(BrokerOptions options, ILogger logger)
    {
        var security = options.Authentication;
        var credentials = new CredentialStore(options.DataDirectory);
        if (security.Administrator is { } admin)
        {
            if (string.IsNullOrEmpty(admin.Name) || string.IsNullOrEmpty(admin.Password))
            {
                throw new ArgumentException("the administrator needs a non-empty name and password", nameof(options));
            }

            credentials.SetSuperUser(admin.Name, admin.Password, ScramMechanism.All, ScramMechanism.MinIterations);
            SecurityLog.AdministratorSet(logger, admin.Name, ScramMechanism.MinIterations);
        }

        if (!security.Enabled)
        {
            return (credentials, null);
        }

        if (credentials.Users.Count == 0)
        {
            SecurityLog.NoUsers(logger);
        }

        var authenticator = new SaslAuthenticator(security, credentials, logger, TimeProvider.System);
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        credentials.SetInternalUser(password);
        var mechanism = new[] { SaslMechanisms.ScramSha512, SaslMechanisms.ScramSha256, SaslMechanisms.Plain }.First(authenticator.Mechanisms.Contains);
        InternalLogin = new InternalLogin(mechanism, CredentialStore.InternalUser, password);
        return (credentials, authenticator);
    }

    /// <summary>
    /// SASL requests on a listener without SASL: Kafka answers ILLEGAL_SASL_STATE (<c>KafkaApis.handleSaslHandshakeRequest</c>),
    /// which tells a client configured for SASL what is wrong instead of leaving it waiting.
    /// </summary>
    private static class SaslWithoutAuthentication
    {
        public static readonly SaslHandshakeResponse Handshake = new() { ErrorCode = (short)ErrorCode.IllegalSaslState };

        public static readonly SaslAuthenticateResponse Authenticate = new()
        {
            ErrorCode = (short)ErrorCode.IllegalSaslState,
            ErrorMessage = "SASL authentication is not enabled on this listener (herald serve --auth turns it on)",
        };
    }
}
