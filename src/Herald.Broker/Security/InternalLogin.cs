namespace Herald.Broker.Security;

/// <summary>
/// How the server's own Kafka clients (the web console's producer) log in to its listener when SASL is on: a user that
/// exists only in memory, with a random password made at start, never stored, listed or changeable over the Kafka APIs.
/// </summary>
/// <param name="Mechanism">An enabled SASL mechanism, e.g. <c>SCRAM-SHA-512</c>.</param>
/// <param name="User">The user name, <see cref="CredentialStore.InternalUser"/>.</param>
/// <param name="Password">The password, valid until the server stops.</param>
public sealed record InternalLogin(string Mechanism, string User, string Password)
{
    /// <summary>Hides the password, so logging the login never leaks it.</summary>
    public override string ToString() => $"InternalLogin {{ Mechanism = {Mechanism}, User = {User}, Password = *** }}";
}
