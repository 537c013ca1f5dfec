namespace Herald.Broker.Security;

/// <summary>One change to a user's credentials: set <paramref name="Credential"/>, or delete the mechanism's credential when null.</summary>
internal sealed record CredentialChange(string User, ScramMechanism Mechanism, ScramCredential? Credential);
