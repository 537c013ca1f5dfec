using Herald.Registry.Storage;

namespace Herald.Registry;

public sealed partial class SchemaRegistry
{
    /// <summary>Deletes one version: soft (hidden, number kept) or, after a soft delete, permanently.</summary>
    public int DeleteVersion(string subject, string version, bool permanent)
    {
        lock (_lock)
        {
            EnsureWritable(subject);
            var state = RequireSubject(subject, includeDeleted: permanent);
            var target = RequireVersion(state, version, includeDeleted: permanent);
            if (!permanent && target.Deleted)
            {
                throw new RegistryException(404, 40406, $"Version {target.Version} of subject '{subject}' was soft deleted. Set permanent=true to delete permanently");
            }

            if (permanent && !target.Deleted)
            {
                throw new RegistryException(404, 40407, $"Version {target.Version} of subject '{subject}' was not deleted first before being permanently deleted");
            }

            EnsureNotReferenced(subject, target.Version);
            Record(new RegistryEntry { Op = "delete-version", Subject = subject, Version = target.Version, Permanent = permanent });
            return target.Version;
        }
    }

    /// <summary>Deletes every version of a subject: soft, or permanently after a soft delete. Returns the versions.</summary>
    public IReadOnlyList<int> DeleteSubject(string subject, bool permanent)
    {
        lock (_lock)
        {
            EnsureWritable(subject);
            if (!_subjects.TryGetValue(subject, out var state) || state.Versions.Count == 0)
            {
                throw RegistryException.SubjectNotFound(subject);
            }

            if (permanent && state.HasLiveVersions)
            {
                throw new RegistryException(404, 40405, $"Subject '{subject}' was not deleted first before being permanently deleted");
            }

            if (!permanent && !state.HasLiveVersions)
            {
                throw new RegistryException(404, 40404, $"Subject '{subject}' was soft deleted. Set permanent=true to delete permanently");
            }

            var versions = state.Versions.Where(v => permanent || !v.Deleted).Select(v => v.Version).ToList();
            foreach (var version in versions)
            {
                EnsureNotReferenced(subject, version);
            }

            foreach (var version in versions)
            {
                Record(new RegistryEntry { Op = "delete-version", Subject = subject, Version = version, Permanent = permanent });
            }

            return versions;
        }
    }

    private void EnsureWritable(string subject)
    {
        if (ModeOf(subject) is "READONLY" or "READONLY_OVERRIDE")
        {
            throw RegistryException.NotPermitted($"Subject '{subject}' is in read-only mode");
        }
    }

    private void EnsureNotReferenced(string subject, int version)
    {
        var users = _subjects.Values
            .SelectMany(s => s.Live.Select(v => (s.Name, v)))
            .Where(x => _schemas[x.v.SchemaId].References.Any(r => r.Subject == subject && r.Version == version))
            .Select(x => $"{x.Name} version {x.v.Version}")
            .ToList();
        if (users.Count > 0)
        {
            throw new RegistryException(422, 42206, $"One or more references exist to the schema {{subject={subject}, version={version}}}: {string.Join(", ", users)}");
        }
    }
}
