namespace Herald.Registry.Formats;

/// <summary>How strictly JSON Schema changes are judged (Confluent's <c>compatibilityPolicy</c>); other formats ignore it.</summary>
public enum CompatibilityPolicy
{
    /// <summary>Confluent's default: open content models make adding an optional property incompatible.</summary>
    Strict,

    /// <summary>Opt-in: additionally accepts property additions/removals that only break under a literal reading of open/closed content models.</summary>
    Lenient,
}
