using System.Text.Json;
using Avro;
using AvroSchema = Avro.Schema;

namespace Herald.Registry.Formats.Avro;

/// <summary>Turns schema text plus reference texts into an <see cref="AvroParsedSchema"/>, translating every Apache.Avro and JSON error into <see cref="InvalidSchemaException"/>.</summary>
internal static class AvroSchemaParser
{
    public static AvroParsedSchema Parse(string text, IReadOnlyDictionary<string, string> references)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidSchemaException("Invalid Avro schema: the schema is empty.");
        }

        var canonical = AvroCanonicalJson.Normalize(text, "the schema");
        var names = ResolveReferences(references);
        var schema = ParseOne(text, names, where: "");
        AvroDefaultValidator.Validate(schema);
        return new AvroParsedSchema(text, canonical, schema);
    }

    // References may depend on each other and arrive in any order: parse in rounds until every one resolved.
    private static SchemaNames ResolveReferences(IReadOnlyDictionary<string, string> references)
    {
        var names = new SchemaNames();
        var pending = references.ToList();
        while (pending.Count > 0)
        {
            InvalidSchemaException? firstError = null;
            var unresolved = new List<KeyValuePair<string, string>>();
            foreach (var (name, text) in pending)
            {
                var attempt = Copy(names);
                try
                {
                    AvroCanonicalJson.Normalize(text, $"reference '{name}'");
                    ParseOne(text, attempt, where: $" in reference '{name}'");
                    names = attempt;
                }
                catch (InvalidSchemaException e)
                {
                    firstError ??= e;
                    unresolved.Add(new(name, text));
                }
            }

            if (unresolved.Count == pending.Count)
            {
                throw firstError!;
            }

            pending = unresolved;
        }

        return names;
    }

    private static SchemaNames Copy(SchemaNames names)
    {
        var copy = new SchemaNames();
        foreach (var (name, schema) in names.Names)
        {
            copy.Add(name, schema);
        }

        return copy;
    }

    private static AvroSchema ParseOne(string text, SchemaNames names, string where)
    {
        if (TryNamedReference(text, names, where) is { } named)
        {
            return named;
        }

        try
        {
            return AvroSchema.Parse(text, names, null);
        }
        catch (Exception e) when (e is AvroException or Newtonsoft.Json.JsonException or FormatException or ArgumentException or InvalidCastException)
        {
            throw new InvalidSchemaException($"Invalid Avro schema{where}: {Explain(e.Message)}", e);
        }
    }

    // Apache.Avro only accepts primitive type names as a bare JSON string; Avro Java also accepts a defined name.
    private static NamedSchema? TryNamedReference(string text, SchemaNames names, string where)
    {
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var name = document.RootElement.GetString()!;
        if (AvroSchema.ParseType(name, removeQuotes: false) is not null)
        {
            return null;
        }

        foreach (var (schemaName, schema) in names.Names)
        {
            if (schemaName.Fullname == name)
            {
                return schema;
            }
        }

        throw new InvalidSchemaException($"Invalid Avro schema{where}: unknown type '{name}': not a primitive type and not defined by a reference.");
    }

    private static string Explain(string message) =>
        message.StartsWith("Undefined name", StringComparison.Ordinal)
            ? message + " (not a primitive type, not defined earlier in the schema, and not defined by a reference)"
            : message;
}
