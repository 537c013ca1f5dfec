using System.Text.Encodings.Web;
using System.Text.Json;
using Herald.Registry.Formats;

namespace Herald.WebConsole.Schemas;

/// <summary>The text of a schema as the console shows and diffs it: JSON re-indented, one line per item.</summary>
internal static class SchemaText
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 4096,
    };

    /// <summary>
    /// Avro and JSON Schema: the registered text re-indented with two spaces, keys in the order the author wrote them,
    /// so two versions written alike diff line by line whatever their whitespace. Protobuf: the text as registered.
    /// </summary>
    public static string Format(SchemaType type, string text)
    {
        if (type == SchemaType.Protobuf)
        {
            return text.ReplaceLineEndings("\n").TrimEnd();
        }

        try
        {
            using var document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 4096 });
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Indented))
            {
                document.RootElement.WriteTo(writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).ReplaceLineEndings("\n");
        }
        catch (JsonException)
        {
            // An Avro primitive schema written without quotes (e.g. string) is accepted by some clients; show it as sent.
            return text.ReplaceLineEndings("\n").TrimEnd();
        }
    }
}
