using System.Text.Encodings.Web;
using System.Text.Json;

namespace Herald.Registry.Formats.Avro;

/// <summary>The identity text of an Avro schema: its JSON with object keys sorted, array order kept, no whitespace.</summary>
/// <remarks>
/// Object key order never carries meaning in an Avro schema (field order lives in the <c>fields</c> array, symbol
/// order in <c>symbols</c>), so sorting every object, defaults included, is safe. Numbers keep their text.
/// </remarks>
internal static class AvroCanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public static string Normalize(string text, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidSchemaException($"Invalid Avro schema: {what} is not valid JSON: {e.Message}", e);
        }

        using (document)
        using (var buffer = new MemoryStream())
        {
            using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
            {
                Write(writer, document.RootElement, "", what);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element, string pointer, string what)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = element.EnumerateObject().ToList();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in properties)
                {
                    if (!seen.Add(property.Name))
                    {
                        throw new InvalidSchemaException($"Invalid Avro schema: {what} has the key '{property.Name}' twice at '{(pointer.Length == 0 ? "/" : pointer)}'.");
                    }
                }

                writer.WriteStartObject();
                foreach (var property in properties.OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, $"{pointer}/{property.Name}", what);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, $"{pointer}/{index++}", what);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(element.GetRawText(), skipInputValidation: true);
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
