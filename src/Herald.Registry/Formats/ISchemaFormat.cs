namespace Herald.Registry.Formats;

/// <summary>One schema format: parsing, canonical form, and Confluent's compatibility rules.</summary>
public interface ISchemaFormat
{
    /// <summary>The format this implementation handles.</summary>
    SchemaType Type { get; }

    /// <summary>Parses and validates <paramref name="schema"/>.</summary>
    /// <param name="schema">The schema text.</param>
    /// <param name="references">Referenced schemas by reference name (Confluent <c>references[].name</c>: an Avro full name, a JSON <c>$ref</c> URL, a <c>.proto</c> import path), already resolved to their text.</param>
    /// <exception cref="InvalidSchemaException">Syntax errors, unknown types, unresolved references; the message says where.</exception>
    ParsedSchema Parse(string schema, IReadOnlyDictionary<string, string> references);

    /// <summary>
    /// Every difference from <paramref name="original"/> to <paramref name="update"/>, each marked compatible when
    /// <paramref name="update"/> can still read data written with <paramref name="original"/> under Confluent's rules.
    /// </summary>
    /// <remarks>
    /// BACKWARD checks <c>Diff(previous, candidate)</c>; FORWARD checks <c>Diff(candidate, previous)</c> — exactly how
    /// Confluent swaps the roles. Pathological schemas must honour <paramref name="cancellationToken"/>.
    /// </remarks>
    IReadOnlyList<SchemaDifference> Diff(ParsedSchema original, ParsedSchema update, CompatibilityPolicy policy, CancellationToken cancellationToken);
}
