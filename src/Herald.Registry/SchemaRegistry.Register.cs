using System.Text;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Registry.Storage;

namespace Herald.Registry;

public sealed partial class SchemaRegistry
{
    /// <summary>Registers <paramref name="request"/> under <paramref name="subject"/>, or returns the id it already has there.</summary>
    /// <exception cref="RegistryException">42201 invalid schema, 409 incompatible, 42205 read-only.</exception>
    public RegisteredSchema Register(string subject, SchemaRequest request)
    {
        ValidateSubject(subject);
        lock (_lock)
        {
            if (ModeOf(subject) is "READONLY" or "READONLY_OVERRIDE")
            {
                throw RegistryException.NotPermitted($"Subject '{subject}' is in read-only mode");
            }

            var parsed = Parse(request);
            var identity = StoredSchema.Identity(request.Type, parsed.Canonical, request.References);
            var state = _subjects.GetValueOrDefault(subject);

            // Already registered in this subject: the same id and version, no compatibility check (as Confluent).
            if (state is not null && _idsByIdentity.TryGetValue(identity, out var knownId)
                && state.Live.FirstOrDefault(v => v.SchemaId == knownId) is { } existing)
            {
                return ToRegistered(subject, existing);
            }

            if (state is not null)
            {
                var previous = state.Live.Select(v => (v.Version, ParsedOf(_schemas[v.SchemaId]))).ToList();
                var result = _checker.Check(parsed, previous, LevelOf(subject), PolicyOf(subject));
                if (!result.IsCompatible)
                {
                    Metrics.CountIncompatible(subject);
                    throw RegistryException.Incompatible(IncompatibleMessage(subject, LevelOf(subject), result));
                }
            }

            if (!_idsByIdentity.TryGetValue(identity, out var id))
            {
                id = _nextId;
                Record(new RegistryEntry
                {
                    Op = "schema",
                    Id = id,
                    Type = SchemaFormats.ToWireName(request.Type),
                    Schema = request.Schema,
                    Canonical = parsed.Canonical,
                    References = [.. request.References],
                });
                _schemas[id].Parsed = parsed;
            }

            int version = (state?.Versions.Count > 0 ? state.Versions.Max(v => v.Version) : 0) + 1;
            Record(new RegistryEntry { Op = "version", Subject = subject, Version = version, Id = id });
            return ToRegistered(subject, _subjects[subject].Versions[^1]);
        }
    }

    /// <summary>Finds <paramref name="request"/> among the versions of <paramref name="subject"/>.</summary>
    /// <exception cref="RegistryException">40401 subject not found, 40403 schema not in the subject.</exception>
    public RegisteredSchema Lookup(string subject, SchemaRequest request, bool includeDeleted)
    {
        lock (_lock)
        {
            var state = RequireSubject(subject, includeDeleted);
            var parsed = Parse(request);
            var identity = StoredSchema.Identity(request.Type, parsed.Canonical, request.References);
            if (_idsByIdentity.TryGetValue(identity, out var id)
                && state.Versions.LastOrDefault(v => v.SchemaId == id && (includeDeleted || !v.Deleted)) is { } version)
            {
                return ToRegistered(subject, version);
            }

            throw new RegistryException(404, 40403, "Schema not found");
        }
    }

    /// <summary>Checks <paramref name="request"/> against one version (or, with null, every version the subject's level selects).</summary>
    public CompatibilityResult TestCompatibility(string subject, string? version, SchemaRequest request)
    {
        lock (_lock)
        {
            var parsed = Parse(request);
            var level = LevelOf(subject);
            if (!_subjects.TryGetValue(subject, out var state) || !state.HasLiveVersions)
            {
                if (version is null)
                {
                    return CompatibilityResult.Compatible;
                }

                throw RegistryException.SubjectNotFound(subject);
            }

            List<(int, ParsedSchema)> against = version is null
                ? [.. state.Live.Select(v => (v.Version, ParsedOf(_schemas[v.SchemaId])))]
                : [(RequireVersion(state, version, false).Version, ParsedOf(_schemas[RequireVersion(state, version, false).SchemaId]))];
            var result = _checker.Check(parsed, against, version is null ? level : NonTransitive(level), PolicyOf(subject));
            if (!result.IsCompatible)
            {
                Metrics.CountIncompatible(subject);
            }

            return result;
        }
    }

    private static CompatibilityLevel NonTransitive(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.BackwardTransitive => CompatibilityLevel.Backward,
        CompatibilityLevel.ForwardTransitive => CompatibilityLevel.Forward,
        CompatibilityLevel.FullTransitive => CompatibilityLevel.Full,
        _ => level,
    };

    private ParsedSchema Parse(SchemaRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Schema))
        {
            throw RegistryException.InvalidSchema("the schema is empty");
        }

        if (Encoding.UTF8.GetByteCount(request.Schema) > _options.MaxSchemaBytes)
        {
            throw new RegistryException(422, 42209, $"Schema too large: {Encoding.UTF8.GetByteCount(request.Schema)} bytes; the limit is {_options.MaxSchemaBytes}. Split it with schema references.");
        }

        try
        {
            return _formats.Parse(request.Type, request.Schema, ResolveReferences(request.References));
        }
        catch (InvalidSchemaException ex)
        {
            throw RegistryException.InvalidSchema(ex.Message);
        }
    }

    private static string IncompatibleMessage(string subject, CompatibilityLevel level, CompatibilityResult result) =>
        $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\" ({level.ToWireName()}): "
        + string.Join("; ", result.Violations.Select(v => v.ToString()));

    private static void ValidateSubject(string subject)
    {
        if (string.IsNullOrWhiteSpace(subject) || subject.Any(char.IsControl))
        {
            throw new RegistryException(422, 42208, $"Invalid subject '{subject}'");
        }
    }

    private RegisteredSchema ToRegistered(string subject, SubjectVersion version)
    {
        var schema = _schemas[version.SchemaId];
        return new RegisteredSchema(subject, version.Version, schema.Id, schema.Type, schema.Text, schema.References);
    }
}
