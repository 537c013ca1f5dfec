using Herald.Registry.Formats.Json.Diff;

namespace Herald.Registry.Formats.Json;

/// <summary>JSON Schema (<c>schemaType: JSON</c>): parsing on System.Text.Json and Confluent's JSON Schema diff.</summary>
/// <remarks>
/// Supports drafts 4 to 2020-12 keywords as Confluent's everit-based loader reads them. <c>$ref</c> may point into
/// the same document (<c>#/definitions/x</c>, <c>#/$defs/x</c>, any JSON pointer) or at a referenced schema by its
/// reference name (<c>address.json</c>, <c>address.json#/definitions/street</c>), also relative to the root <c>$id</c>.
/// Diffs are bounded: see <see cref="SchemaTooComplexException"/>.
/// </remarks>
public sealed class JsonSchemaFormat : ISchemaFormat
{
    /// <inheritdoc/>
    public SchemaType Type => SchemaType.Json;

    /// <inheritdoc/>
    public ParsedSchema Parse(string schema, IReadOnlyDictionary<string, string> references)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(references);
        var (root, canonical) = JsonSchemaLoader.Load(schema, references);
        return new JsonParsedSchema(schema, canonical, root);
    }

    /// <inheritdoc/>
    /// <exception cref="SchemaTooComplexException">The comparison exceeded its step or depth budget.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IReadOnlyList<SchemaDifference> Diff(ParsedSchema original, ParsedSchema update, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        var from = original as JsonParsedSchema
            ?? throw new ArgumentException($"Expected a JSON schema, got {original.Type}.", nameof(original));
        var to = update as JsonParsedSchema
            ?? throw new ArgumentException($"Expected a JSON schema, got {update.Type}.", nameof(update));
        return SchemaDiff.Compare(from.Root, to.Root, policy, cancellationToken);
    }
}
