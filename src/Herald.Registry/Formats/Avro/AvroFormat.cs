namespace Herald.Registry.Formats.Avro;

/// <summary>Avro: parsing with Apache.Avro, a key-sorted canonical JSON, and Avro's reader/writer compatibility rules as Confluent applies them.</summary>
/// <remarks>
/// <see cref="Diff"/> treats the update as the reader and the original as the writer, like Confluent's
/// <c>AvroSchema.isBackwardCompatible</c> calling Avro's <c>SchemaCompatibility.checkReaderWriterCompatibility</c>.
/// Besides the incompatibilities it reports compatible changes (fields added with defaults, promotions, new enum
/// symbols, ...) with <see cref="SchemaDifference.IsCompatible"/> set, for display. Kinds are in <see cref="AvroDifferenceKinds"/>.
/// </remarks>
public sealed class AvroFormat : ISchemaFormat
{
    /// <inheritdoc />
    public SchemaType Type => SchemaType.Avro;

    /// <inheritdoc />
    public ParsedSchema Parse(string schema, IReadOnlyDictionary<string, string> references)
    {
        ArgumentNullException.ThrowIfNull(references);
        return AvroSchemaParser.Parse(schema, references);
    }

    /// <inheritdoc />
    public IReadOnlyList<SchemaDifference> Diff(ParsedSchema original, ParsedSchema update, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        var writer = original as AvroParsedSchema ?? throw new ArgumentException("Not an Avro schema.", nameof(original));
        var reader = update as AvroParsedSchema ?? throw new ArgumentException("Not an Avro schema.", nameof(update));
        return AvroCompatibilityChecker.Diff(writer.Schema, reader.Schema, cancellationToken);
    }
}
