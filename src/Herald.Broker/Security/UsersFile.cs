using System.Text.Json;
using System.Text.Json.Serialization;

namespace Herald.Broker.Security;

/// <summary>The shape of <c>security/users.json</c>; byte arrays are base64.</summary>
/// <param name="Version">The file format version, 1.</param>
/// <param name="DecoyKey">The secret the decoy salts of unknown users are derived from, so they stay the same across restarts.</param>
/// <param name="Users">Every user with their credentials.</param>
internal sealed record UsersFile(int Version, byte[] DecoyKey, List<UsersFile.User> Users)
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    internal sealed record User(string Name, bool SuperUser, List<Credential> Credentials);

    internal sealed record Credential(string Mechanism, int Iterations, byte[] Salt, byte[] StoredKey, byte[] ServerKey);
}
