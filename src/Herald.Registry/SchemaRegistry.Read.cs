using Herald.Registry.Formats;

namespace Herald.Registry;

public sealed partial class SchemaRegistry
{
    /// <summary>The schema with global id <paramref name="id"/> (soft-deleted versions do not hide it).</summary>
    public SchemaById GetSchema(int id)
    {
        lock (_lock)
        {
            return _schemas.TryGetValue(id, out var schema)
                ? new SchemaById(schema.Id, schema.Type, schema.Text, schema.References)
                : throw new RegistryException(404, 40403, "Schema not found");
        }
    }

    /// <summary>The parsed form of schema <paramref name="id"/>, its references resolved; parsed once and cached.</summary>
    /// <remarks>For readers that decode messages (the console's message browser). The result is immutable and may be shared.</remarks>
    public ParsedSchema GetParsedSchema(int id)
    {
        lock (_lock)
        {
            return _schemas.TryGetValue(id, out var schema)
                ? ParsedOf(schema)
                : throw new RegistryException(404, 40403, "Schema not found");
        }
    }

    /// <summary>The subjects and versions that use schema <paramref name="id"/>.</summary>
    public IReadOnlyList<(string Subject, int Version)> GetSubjectVersionsOf(int id, bool includeDeleted)
    {
        lock (_lock)
        {
            if (!_schemas.ContainsKey(id))
            {
                throw new RegistryException(404, 40403, "Schema not found");
            }

            return _subjects.Values
                .SelectMany(s => s.Versions.Where(v => v.SchemaId == id && (includeDeleted || !v.Deleted)).Select(v => (s.Name, v.Version)))
                .ToList();
        }
    }

    /// <summary>Subject names, optionally with soft-deleted ones and filtered by prefix.</summary>
    public IReadOnlyList<string> GetSubjects(bool includeDeleted, string? prefix = null)
    {
        lock (_lock)
        {
            return _subjects.Values
                .Where(s => s.HasLiveVersions || (includeDeleted && s.Versions.Count > 0))
                .Where(s => prefix is null || s.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(s => s.Name)
                .ToList();
        }
    }

    /// <summary>The version numbers of <paramref name="subject"/>.</summary>
    public IReadOnlyList<int> GetVersions(string subject, bool includeDeleted)
    {
        lock (_lock)
        {
            var state = RequireSubject(subject, includeDeleted);
            return state.Versions.Where(v => includeDeleted || !v.Deleted).Select(v => v.Version).ToList();
        }
    }

    /// <summary>One version (<c>latest</c>, <c>-1</c> or a number) of <paramref name="subject"/>.</summary>
    public RegisteredSchema GetVersion(string subject, string version, bool includeDeleted)
    {
        lock (_lock)
        {
            var state = RequireSubject(subject, includeDeleted);
            return ToRegistered(subject, RequireVersion(state, version, includeDeleted));
        }
    }

    /// <summary>Ids of schemas that reference <paramref name="subject"/> at <paramref name="version"/>.</summary>
    public IReadOnlyList<int> GetReferencedBy(string subject, string version)
    {
        lock (_lock)
        {
            var target = RequireVersion(RequireSubject(subject), version, false);
            return _schemas.Values
                .Where(s => s.References.Any(r => r.Subject == subject && r.Version == target.Version))
                .Select(s => s.Id)
                .Order()
                .ToList();
        }
    }
}
