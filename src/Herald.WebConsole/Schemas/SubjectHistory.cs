using Herald.Registry;
using Herald.Registry.Compatibility;
using Herald.Registry.Formats;

namespace Herald.WebConsole.Schemas;

/// <summary>A subject as the console shows it: its live versions (oldest first) and how the registry judges new ones.</summary>
/// <param name="Subject">The subject name.</param>
/// <param name="Versions">Every live (not soft-deleted) version, oldest first.</param>
/// <param name="Level">The compatibility level that applies to the subject (its own or the global one).</param>
/// <param name="Policy">The JSON Schema content-model policy that applies to the subject.</param>
/// <param name="OwnLevel">Whether <paramref name="Level"/> is the subject's own setting rather than the global default.</param>
/// <param name="Refused">Refused registrations and failed compatibility checks counted for the subject since the server started.</param>
internal sealed record SubjectHistory(
    string Subject,
    IReadOnlyList<RegisteredSchema> Versions,
    CompatibilityLevel Level,
    CompatibilityPolicy Policy,
    bool OwnLevel,
    long Refused)
{
    /// <summary>The latest version.</summary>
    public RegisteredSchema Latest => Versions[^1];

    /// <summary>The version numbered <paramref name="version"/>, if it is live.</summary>
    public RegisteredSchema? Find(int version) => Versions.FirstOrDefault(v => v.Version == version);

    /// <summary>Reads <paramref name="subject"/> from the registry; null when it has no live version.</summary>
    public static SubjectHistory? Load(SchemaRegistry registry, string subject)
    {
        try
        {
            var versions = registry.GetVersions(subject, includeDeleted: false)
                .Select(v => registry.GetVersion(subject, v.ToString(System.Globalization.CultureInfo.InvariantCulture), includeDeleted: false))
                .ToList();
            if (versions.Count == 0)
            {
                return null;
            }

            var (level, policy) = registry.GetCompatibility(subject, defaultToGlobal: true);
            return new SubjectHistory(subject, versions, level, policy, HasOwnLevel(registry, subject), registry.Metrics.IncompatibleBySubject.GetValueOrDefault(subject));
        }
        catch (RegistryException e) when (e.HttpStatus == 404)
        {
            // Deleted between two reads: the page says it is not there.
            return null;
        }
    }

    private static bool HasOwnLevel(SchemaRegistry registry, string subject)
    {
        try
        {
            registry.GetCompatibility(subject, defaultToGlobal: false);
            return true;
        }
        catch (RegistryException e) when (e.ErrorCode == 40408)
        {
            return false;
        }
    }
}
