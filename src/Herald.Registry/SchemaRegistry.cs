using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Registry.Storage;
using Microsoft.Extensions.Logging;

namespace Herald.Registry;

/// <summary>
/// The registry's state and rules, independent of HTTP: subjects, versions, global ids, configs and
/// modes, kept in memory and journaled to the data folder. Every public method is thread-safe.
/// </summary>
public sealed partial class SchemaRegistry : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, StoredSchema> _schemas = [];
    private readonly Dictionary<string, int> _idsByIdentity = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SubjectState> _subjects = new(StringComparer.Ordinal);
    private readonly RegistryJournal _journal;
    private readonly SchemaFormats _formats;
    private readonly CompatibilityChecker _checker;
    private readonly RegistryOptions _options;
    private CompatibilityLevel _globalLevel;
    private CompatibilityPolicy _globalPolicy = CompatibilityPolicy.Strict;
    private string _globalMode = "READWRITE";
    private int _nextId = 1;

    public SchemaRegistry(RegistryOptions options, SchemaFormats formats, ILogger logger)
    {
        _options = options;
        _formats = formats;
        _checker = new CompatibilityChecker(formats, options.CheckBudget);
        _globalLevel = options.DefaultCompatibility;
        _journal = RegistryJournal.Open(options.DataDirectory, options.Fsync, message => logger.LogWarning("{Message}", message), out var entries);
        foreach (var entry in entries)
        {
            Apply(entry);
        }

        if (entries.Count > 0)
        {
            logger.LogInformation("Schema registry loaded {Schemas} schema(s) in {Subjects} subject(s)", _schemas.Count, _subjects.Count);
        }
    }

    /// <summary>Counts refused registrations and failed checks per subject (<c>schema_registry_incompatible_total</c>).</summary>
    public RegistryMetrics Metrics { get; } = new();

    /// <summary>The formats this registry parses.</summary>
    public SchemaFormats Formats => _formats;

    private void Record(RegistryEntry entry)
    {
        _journal.Append(entry);
        Apply(entry);
    }

    /// <summary>Applies one journal entry to the in-memory state; used both live and on replay.</summary>
    private void Apply(RegistryEntry entry)
    {
        switch (entry.Op)
        {
            case "schema":
                SchemaFormats.TryParseType(entry.Type, out var type);
                var schema = new StoredSchema
                {
                    Id = entry.Id,
                    Type = type,
                    Text = entry.Schema ?? string.Empty,
                    Canonical = entry.Canonical ?? entry.Schema ?? string.Empty,
                    References = entry.References ?? [],
                };
                _schemas[schema.Id] = schema;
                _idsByIdentity.TryAdd(schema.IdentityKey, schema.Id);
                _nextId = Math.Max(_nextId, schema.Id + 1);
                break;
            case "version":
                var subject = GetOrAddSubject(entry.Subject!);
                subject.Versions.Add(new SubjectVersion { Version = entry.Version, SchemaId = entry.Id });
                break;
            case "delete-version":
                if (_subjects.TryGetValue(entry.Subject!, out var owner))
                {
                    var version = owner.Versions.Find(v => v.Version == entry.Version);
                    if (version is not null && entry.Permanent)
                    {
                        owner.Versions.Remove(version);
                        if (owner.Versions.Count == 0 && owner.Compatibility is null && owner.Mode is null)
                        {
                            _subjects.Remove(owner.Name);
                        }
                    }
                    else if (version is not null)
                    {
                        version.Deleted = true;
                    }
                }

                break;
            case "config":
                CompatibilityLevel? level = CompatibilityLevels.TryParse(entry.Level, out var parsed) ? parsed : null;
                CompatibilityPolicy? policy = entry.Policy is null ? null
                    : string.Equals(entry.Policy, "LENIENT", StringComparison.OrdinalIgnoreCase) ? CompatibilityPolicy.Lenient : CompatibilityPolicy.Strict;
                if (entry.Subject is null)
                {
                    _globalLevel = level ?? _options.DefaultCompatibility;
                    _globalPolicy = policy ?? CompatibilityPolicy.Strict;
                }
                else
                {
                    var target = GetOrAddSubject(entry.Subject);
                    target.Compatibility = level;
                    target.Policy = level is null ? null : policy;
                }

                break;
            case "mode":
                if (entry.Subject is null)
                {
                    _globalMode = entry.Mode ?? "READWRITE";
                }
                else
                {
                    GetOrAddSubject(entry.Subject).Mode = entry.Mode;
                }

                break;
        }
    }

    private SubjectState GetOrAddSubject(string name)
    {
        if (!_subjects.TryGetValue(name, out var subject))
        {
            subject = new SubjectState { Name = name };
            _subjects[name] = subject;
        }

        return subject;
    }

    private ParsedSchema ParsedOf(StoredSchema schema)
    {
        if (schema.Parsed is null)
        {
            schema.Parsed = _formats.Parse(schema.Type, schema.Text, ResolveReferences(schema.References));
        }

        return schema.Parsed;
    }

    /// <summary>Every schema a reference list needs, transitively, by reference name.</summary>
    private Dictionary<string, string> ResolveReferences(IReadOnlyList<SchemaReference> references)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new Stack<SchemaReference>(references);
        var seen = new HashSet<(string, int)>();
        while (pending.Count > 0)
        {
            var reference = pending.Pop();
            if (!seen.Add((reference.Subject, reference.Version)))
            {
                continue;
            }

            var version = _subjects.TryGetValue(reference.Subject, out var subject)
                ? (reference.Version == -1 ? subject.Live.LastOrDefault() : subject.Versions.Find(v => v.Version == reference.Version))
                : null;
            if (version is null)
            {
                throw RegistryException.InvalidSchema($"reference '{reference.Name}' points at subject '{reference.Subject}' version {reference.Version}, which does not exist");
            }

            var target = _schemas[version.SchemaId];
            resolved[reference.Name] = target.Text;
            foreach (var nested in target.References)
            {
                pending.Push(nested);
            }
        }

        return resolved;
    }

    private SubjectState RequireSubject(string subject, bool includeDeleted = false)
    {
        if (_subjects.TryGetValue(subject, out var state) && (state.HasLiveVersions || (includeDeleted && state.Versions.Count > 0)))
        {
            return state;
        }

        throw RegistryException.SubjectNotFound(subject);
    }

    /// <summary>Resolves <c>latest</c>, <c>-1</c> or a number to a version of <paramref name="state"/>.</summary>
    private static SubjectVersion RequireVersion(SubjectState state, string version, bool includeDeleted)
    {
        if (version is "latest" or "-1")
        {
            return (includeDeleted ? state.Versions.LastOrDefault() : state.Live.LastOrDefault())
                ?? throw RegistryException.VersionNotFound(state.Name, version);
        }

        if (!int.TryParse(version, out var number) || number < 1)
        {
            throw RegistryException.InvalidVersion(version);
        }

        var found = state.Versions.Find(v => v.Version == number);
        return found is not null && (!found.Deleted || includeDeleted) ? found : throw RegistryException.VersionNotFound(state.Name, version);
    }

    private CompatibilityLevel LevelOf(string subject) =>
        _subjects.TryGetValue(subject, out var state) && state.Compatibility is { } level ? level : _globalLevel;

    private CompatibilityPolicy PolicyOf(string subject) =>
        _subjects.TryGetValue(subject, out var state) && state.Policy is { } policy ? policy : _globalPolicy;

    private string ModeOf(string subject) =>
        _subjects.TryGetValue(subject, out var state) && state.Mode is { } mode ? mode : _globalMode;

    public void Dispose() => _journal.Dispose();
}
