using AvroSchema = Avro.Schema;

namespace Herald.Registry.Formats.Avro;

/// <summary>An Avro schema that parsed, with its defaults validated and named types from references resolved.</summary>
/// <remarks>
/// <see cref="Canonical"/> is the schema's JSON with object keys sorted and whitespace removed. Unlike Avro's Parsing
/// Canonical Form it keeps defaults, docs, aliases, logical types and custom properties, so schemas differing only
/// in those get different ids, as in Confluent. <c>"string"</c> and <c>{"type":"string"}</c> stay distinct.
/// </remarks>
public sealed class AvroParsedSchema : ParsedSchema
{
    internal AvroParsedSchema(string original, string canonical, AvroSchema schema)
        : base(original)
    {
        Canonical = canonical;
        Schema = schema;
    }

    /// <inheritdoc />
    public override SchemaType Type => SchemaType.Avro;

    /// <inheritdoc />
    public override string Canonical { get; }

    /// <summary>The Apache.Avro model, including the named types it uses from references.</summary>
    public AvroSchema Schema { get; }

    /// <summary>The full name of the top-level type when it is a record, enum or fixed; otherwise the Avro type name.</summary>
    public string Name => Schema.Fullname;
}
