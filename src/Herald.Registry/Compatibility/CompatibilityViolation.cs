namespace Herald.Registry.Compatibility;

/// <summary>One reason a schema is not compatible with an earlier version.</summary>
/// <param name="Version">The earlier version it conflicts with (0 for an offline file that has no version).</param>
/// <param name="Direction"><c>backward</c> (the new schema cannot read old data) or <c>forward</c> (old readers cannot read new data).</param>
/// <param name="Path">The field or JSON pointer concerned.</param>
/// <param name="Rule">The rule broken, in Confluent's vocabulary (e.g. <c>REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL</c>).</param>
/// <param name="Message">A sentence saying what changed and why it breaks.</param>
public sealed record CompatibilityViolation(int Version, string Direction, string Path, string Rule, string Message)
{
    /// <summary>One line for people: <c>version 2, backward: #/properties/email: REQUIRED_PROPERTY_ADDED...: required property 'email' was added</c>.</summary>
    public override string ToString() =>
        $"{(Version > 0 ? $"version {Version}" : "old schema")}, {Direction}: {Path}: {Rule}: {Message}";
}

/// <summary>The verdict of a compatibility check.</summary>
public sealed record CompatibilityResult(IReadOnlyList<CompatibilityViolation> Violations)
{
    public bool IsCompatible => Violations.Count == 0;

    public static readonly CompatibilityResult Compatible = new([]);
}
