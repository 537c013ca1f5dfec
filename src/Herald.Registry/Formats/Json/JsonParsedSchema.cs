namespace Herald.Registry.Formats.Json;

/// <summary>A JSON Schema that parsed, validated and had every <c>$ref</c> resolved.</summary>
/// <remarks>
/// <see cref="Canonical"/> is the schema JSON with object keys sorted and no whitespace; array order (including
/// <c>required</c> and <c>enum</c>) is kept as given.
/// </remarks>
public sealed class JsonParsedSchema : ParsedSchema
{
    internal JsonParsedSchema(string original, string canonical, SchemaNode root)
        : base(original)
    {
        Canonical = canonical;
        Root = root;
    }

    /// <inheritdoc/>
    public override SchemaType Type => SchemaType.Json;

    /// <inheritdoc/>
    public override string Canonical { get; }

    internal SchemaNode Root { get; }
}
