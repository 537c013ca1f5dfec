using System.Security.Cryptography;
using System.Text.Json;

namespace Herald.Broker.Security;

/// <summary>
/// The users and their SCRAM credentials, kept in <c>security/users.json</c> in the data folder. No password is ever
/// stored: PLAIN logins are checked by deriving the stored key from the stored salt and iterations.
/// </summary>
/// <remarks>
/// Readers see an immutable snapshot, so a login never takes a lock. Every change is written to a temporary file,
/// fsynced and renamed over the old one: a crash leaves either the old or the new file, never a torn one. The folder and
/// the file are readable by the owner only, since the stored keys allow an offline guess at weak passwords.
/// </remarks>
internal sealed class CredentialStore
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyDirectory = OwnerOnlyFile | UnixFileMode.UserExecute;

    /// <summary>The in-memory user of the server's own clients; the name cannot be given to a stored user.</summary>
    public const string InternalUser = "__herald-internal";

    private readonly string _path;
    private readonly Lock _writeLock = new();
    private readonly byte[] _decoyKey;
    private volatile IReadOnlyDictionary<string, StoredUser> _users;
    private volatile StoredUser? _internal;

    public CredentialStore(string dataDirectory)
    {
        var directory = Path.Combine(dataDirectory, "security");
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, OwnerOnlyDirectory);
        }

        _path = Path.Combine(directory, "users.json");
        (_users, _decoyKey) = Load(_path);
        if (!File.Exists(_path))
        {
            Save(_users);
        }
    }

    /// <summary>Every user, by name.</summary>
    public IReadOnlyDictionary<string, StoredUser> Users => _users;

    public StoredUser? Find(string user) => user == InternalUser ? _internal : _users.GetValueOrDefault(user);

    /// <summary>Gives <see cref="InternalUser"/> credentials for <paramref name="password"/>, in memory only.</summary>
    public void SetInternalUser(string password) => _internal = new StoredUser(
        InternalUser,
        IsSuperUser: false,
        ScramMechanism.All.ToDictionary(m => m.Name, m => ScramCredential.FromPassword(m, password), StringComparer.Ordinal));

    /// <summary>
    /// A credential for a user that does not exist (or lacks this mechanism): the same salt every time for the same name,
    /// so a SCRAM exchange for an unknown user looks like one for a known user until the proof fails (RFC 5802 §9).
    /// </summary>
    public ScramCredential Decoy(string user, ScramMechanism mechanism)
    {
        var salt = HMACSHA512.HashData(_decoyKey, System.Text.Encoding.UTF8.GetBytes(mechanism.Name + "\n" + user));
        return new ScramCredential(mechanism, salt, ScramMechanism.MinIterations, RandomNumberGenerator.GetBytes(mechanism.KeyLength), RandomNumberGenerator.GetBytes(mechanism.KeyLength));
    }

    /// <summary>Creates or replaces <paramref name="user"/>'s credentials for <paramref name="mechanisms"/> from a password, marking them a super user.</summary>
    public void SetSuperUser(string user, string password, IEnumerable<ScramMechanism> mechanisms, int iterations)
    {
        var changes = mechanisms.Select(m => new CredentialChange(user, m, ScramCredential.FromPassword(m, password, iterations))).ToList();
        Apply(changes, superUser: user);
    }

    /// <summary>
    /// Applies upserts (a credential) and deletions (none) in one durable write. A user whose last credential is deleted
    /// is removed, super-user flag and all.
    /// </summary>
    /// <param name="changes">The changes, applied in order.</param>
    /// <param name="superUser">A user to mark as a super user, or null.</param>
    public void Apply(IReadOnlyList<CredentialChange> changes, string? superUser = null)
    {
        if (changes.Count == 0)
        {
            return;
        }

        lock (_writeLock)
        {
            var next = new Dictionary<string, StoredUser>(_users, StringComparer.Ordinal);
            foreach (var change in changes)
            {
                var existing = next.GetValueOrDefault(change.User);
                var credentials = new Dictionary<string, ScramCredential>(existing?.Credentials ?? new Dictionary<string, ScramCredential>(), StringComparer.Ordinal);
                if (change.Credential is null)
                {
                    credentials.Remove(change.Mechanism.Name);
                }
                else
                {
                    credentials[change.Mechanism.Name] = change.Credential;
                }

                if (credentials.Count == 0)
                {
                    next.Remove(change.User);
                }
                else
                {
                    next[change.User] = new StoredUser(change.User, existing?.IsSuperUser == true || change.User == superUser, credentials);
                }
            }

            // Disk first: if the write fails, the store keeps answering with what is on disk.
            Save(next);
            _users = next;
        }
    }

    private static (IReadOnlyDictionary<string, StoredUser> Users, byte[] DecoyKey) Load(string path)
    {
        if (!File.Exists(path))
        {
            return (new Dictionary<string, StoredUser>(StringComparer.Ordinal), RandomNumberGenerator.GetBytes(64));
        }

        try
        {
            var file = JsonSerializer.Deserialize<UsersFile>(File.ReadAllBytes(path), UsersFile.Json)
                ?? throw new InvalidDataException("the file is empty");
            var users = new Dictionary<string, StoredUser>(StringComparer.Ordinal);
            foreach (var user in file.Users)
            {
                var credentials = new Dictionary<string, ScramCredential>(StringComparer.Ordinal);
                foreach (var c in user.Credentials)
                {
                    var mechanism = ScramMechanism.FromName(c.Mechanism) ?? throw new InvalidDataException($"unknown mechanism '{c.Mechanism}' for user '{user.Name}'");
                    credentials[mechanism.Name] = new ScramCredential(mechanism, c.Salt, c.Iterations, c.StoredKey, c.ServerKey);
                }

                users[user.Name] = new StoredUser(user.Name, user.SuperUser, credentials);
            }

            return (users, file.DecoyKey);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            // Failing closed: starting with no users would lock everyone out, starting without checks would let everyone in.
            throw new InvalidDataException(
                $"{path} is unreadable ({e.Message}); restore it from a backup, or delete it and create the administrator again with --admin-user", e);
        }
    }

    private void Save(IReadOnlyDictionary<string, StoredUser> users)
    {
        var file = new UsersFile(
            1,
            _decoyKey,
            [.. users.Values.OrderBy(u => u.Name, StringComparer.Ordinal).Select(u => new UsersFile.User(
                u.Name,
                u.IsSuperUser,
                [.. u.Credentials.Values.OrderBy(c => c.Mechanism.Type).Select(c => new UsersFile.Credential(c.Mechanism.Name, c.Iterations, c.Salt, c.StoredKey, c.ServerKey))]))]);
        var temp = _path + ".tmp";
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, file, UsersFile.Json);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, _path, overwrite: true);
    }
}
