using Herald.Registry.Compatibility;
using Herald.Registry.Formats;
using Herald.Registry.Storage;

namespace Herald.Registry;

public sealed partial class SchemaRegistry
{
    private static readonly string[] Modes = ["READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"];

    /// <summary>The compatibility level of <paramref name="subject"/> (null: the global one).</summary>
    /// <exception cref="RegistryException">40408 when the subject has no level of its own and <paramref name="defaultToGlobal"/> is false.</exception>
    public (CompatibilityLevel Level, CompatibilityPolicy Policy) GetCompatibility(string? subject, bool defaultToGlobal)
    {
        lock (_lock)
        {
            if (subject is null)
            {
                return (_globalLevel, _globalPolicy);
            }

            if (_subjects.TryGetValue(subject, out var state) && state.Compatibility is { } level)
            {
                return (level, state.Policy ?? _globalPolicy);
            }

            return defaultToGlobal
                ? (_globalLevel, _globalPolicy)
                : throw new RegistryException(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured");
        }
    }

    /// <summary>Sets the compatibility level of a subject or, with null, the global one.</summary>
    public void SetCompatibility(string? subject, string? level, string? policy)
    {
        if (!CompatibilityLevels.TryParse(level, out var parsed))
        {
            throw RegistryException.InvalidCompatibilityLevel(level);
        }

        if (policy is not null and not ("STRICT" or "LENIENT" or "strict" or "lenient"))
        {
            throw new RegistryException(422, 42203, $"Invalid compatibility policy '{policy}'. Valid values are STRICT and LENIENT");
        }

        lock (_lock)
        {
            Record(new RegistryEntry { Op = "config", Subject = subject, Level = parsed.ToWireName(), Policy = policy?.ToUpperInvariant() });
        }
    }

    /// <summary>Removes a subject's own level (or resets the global one); returns what was removed.</summary>
    public CompatibilityLevel DeleteCompatibility(string? subject)
    {
        lock (_lock)
        {
            var (level, _) = GetCompatibility(subject, defaultToGlobal: subject is null);
            Record(new RegistryEntry { Op = "config", Subject = subject, Level = null });
            return level;
        }
    }

    /// <summary>The mode of a subject or, with null, the global mode.</summary>
    public string GetMode(string? subject, bool defaultToGlobal)
    {
        lock (_lock)
        {
            if (subject is null)
            {
                return _globalMode;
            }

            if (_subjects.TryGetValue(subject, out var state) && state.Mode is { } mode)
            {
                return mode;
            }

            return defaultToGlobal ? _globalMode : throw new RegistryException(404, 40409, $"Subject '{subject}' does not have subject-level mode configured");
        }
    }

    /// <summary>Sets a mode: READWRITE, READONLY, READONLY_OVERRIDE or IMPORT (IMPORT on a non-empty registry needs <paramref name="force"/>).</summary>
    public void SetMode(string? subject, string? mode, bool force)
    {
        var normalized = mode?.ToUpperInvariant();
        if (normalized is null || !Modes.Contains(normalized))
        {
            throw RegistryException.InvalidMode(mode);
        }

        lock (_lock)
        {
            if (normalized == "IMPORT" && !force && _schemas.Count > 0)
            {
                throw RegistryException.NotPermitted("Cannot import since found existing subjects; set force=true to override");
            }

            Record(new RegistryEntry { Op = "mode", Subject = subject, Mode = normalized });
        }
    }

    /// <summary>Removes a subject's own mode (or resets the global one).</summary>
    public string DeleteMode(string? subject)
    {
        lock (_lock)
        {
            var mode = GetMode(subject, defaultToGlobal: subject is null);
            Record(new RegistryEntry { Op = "mode", Subject = subject, Mode = null });
            return mode;
        }
    }

    /// <summary>Checks a schema offline against other schema texts, exactly as registration would.</summary>
    public static CompatibilityResult CheckOffline(SchemaFormats formats, SchemaRequest candidate, IReadOnlyList<SchemaRequest> previous, CompatibilityLevel level, CompatibilityPolicy policy)
    {
        var empty = new Dictionary<string, string>();
        var parsed = formats.Parse(candidate.Type, candidate.Schema, empty);
        var history = previous.Select((p, i) => (i + 1, formats.Parse(p.Type, p.Schema, empty))).ToList();
        return new CompatibilityChecker(formats).Check(parsed, history, level, policy);
    }
}
