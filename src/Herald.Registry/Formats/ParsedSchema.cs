namespace Herald.Registry.Formats;

/// <summary>A schema that parsed and validated; its <see cref="Canonical"/> text decides identity.</summary>
/// <remarks>Each format derives its own subclass holding its parsed model.</remarks>
public abstract class ParsedSchema
{
    protected ParsedSchema(string original)
    {
        Original = original;
    }

    /// <summary>The format.</summary>
    public abstract SchemaType Type { get; }

    /// <summary>The text as the user sent it.</summary>
    public string Original { get; }

    /// <summary>
    /// A normalized text: two schemas with the same canonical text are the same schema (same global id).
    /// Whitespace and key order never matter; what else is normalized is up to the format.
    /// </summary>
    public abstract string Canonical { get; }
}
