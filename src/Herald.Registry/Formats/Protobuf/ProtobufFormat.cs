namespace Herald.Registry.Formats.Protobuf;

/// <summary>The <c>PROTOBUF</c> schema format: <c>.proto</c> files parsed with protobuf-net.Reflection, diffed like Confluent.</summary>
/// <remarks>
/// <para>
/// <see cref="Parse"/> resolves imports from the references (key = import path, value = its text); the well-known
/// <c>google/protobuf/*.proto</c> files are built in. <see cref="Diff"/> follows Confluent's
/// <c>protobuf.diff.SchemaDiff.compare(original, update)</c>: messages are matched by name within their scope, fields by
/// number, scalar types by wire-compatible group. <see cref="CompatibilityPolicy"/> does not apply to Protobuf.
/// </para>
/// </remarks>
public sealed class ProtobufFormat : ISchemaFormat
{
    /// <inheritdoc />
    public SchemaType Type => SchemaType.Protobuf;

    /// <inheritdoc cref="ISchemaFormat.Parse" />
    public ProtobufParsedSchema Parse(string schema, IReadOnlyDictionary<string, string> references)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(references);
        return ProtobufParser.Parse(schema, references);
    }

    ParsedSchema ISchemaFormat.Parse(string schema, IReadOnlyDictionary<string, string> references) => Parse(schema, references);

    /// <inheritdoc />
    public IReadOnlyList<SchemaDifference> Diff(ParsedSchema original, ParsedSchema update, CompatibilityPolicy policy, CancellationToken cancellationToken)
    {
        var from = original as ProtobufParsedSchema ?? throw new ArgumentException("Not a Protobuf schema.", nameof(original));
        var to = update as ProtobufParsedSchema ?? throw new ArgumentException("Not a Protobuf schema.", nameof(update));
        return ProtobufDiff.Compare(from, to, cancellationToken);
    }
}
