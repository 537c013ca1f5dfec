namespace Herald.Broker.Security;

/// <summary>One user: whether they are a super user, and their SCRAM credentials by mechanism name.</summary>
internal sealed record StoredUser(string Name, bool IsSuperUser, IReadOnlyDictionary<string, ScramCredential> Credentials)
{
    public ScramCredential? Find(ScramMechanism mechanism) => Credentials.GetValueOrDefault(mechanism.Name);
}
