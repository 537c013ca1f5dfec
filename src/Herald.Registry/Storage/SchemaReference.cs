using System.Text.Json.Serialization;

namespace Herald.Registry.Storage;

/// <summary>A reference from one schema to a version of another subject (Confluent <c>references[]</c>).</summary>
/// <param name="Name">How the schema names it: an Avro full name, a JSON Schema <c>$ref</c> URL, a <c>.proto</c> import path.</param>
/// <param name="Subject">The subject holding the referenced schema.</param>
/// <param name="Version">The version of that subject (-1: the latest).</param>
public sealed record SchemaReference(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("version")] int Version);
