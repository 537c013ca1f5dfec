using Herald.Registry.Compatibility;
using Herald.Registry.Formats;

namespace Herald.Registry;

/// <summary>A stored schema under its global id.</summary>
internal sealed class StoredSchema
{
    public required int Id { get; init; }

    public required SchemaType Type { get; init; }

    public required string Text { get; init; }

    public required string Canonical { get; init; }

    public required List<Storage.SchemaReference> References { get; init; }

    /// <summary>Parsed on first use (compatibility checks), then kept.</summary>
    public ParsedSchema? Parsed { get; set; }

    /// <summary>The identity key: same type, canonical text and references mean the same schema and id.</summary>
    public string IdentityKey => Identity(Type, Canonical, References);

    public static string Identity(SchemaType type, string canonical, IEnumerable<Storage.SchemaReference> references) =>
        $"{type}\n{canonical}\n{string.Join('\n', references.Select(r => $"{r.Name}|{r.Subject}|{r.Version}"))}";
}

/// <summary>One version of a subject.</summary>
internal sealed class SubjectVersion
{
    public required int Version { get; init; }

    public required int SchemaId { get; init; }

    public bool Deleted { get; set; }
}

/// <summary>A subject: its versions and its own config and mode, if any.</summary>
internal sealed class SubjectState
{
    public required string Name { get; init; }

    public List<SubjectVersion> Versions { get; } = [];

    public CompatibilityLevel? Compatibility { get; set; }

    public CompatibilityPolicy? Policy { get; set; }

    public string? Mode { get; set; }

    public IEnumerable<SubjectVersion> Live => Versions.Where(v => !v.Deleted);

    public bool HasLiveVersions => Versions.Any(v => !v.Deleted);
}
