using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Herald.Registry;
using Herald.Registry.Formats;
using Herald.Registry.Formats.Avro;
using Herald.Registry.Formats.Protobuf;

namespace Herald.WebConsole.Topics;

/// <summary>
/// Turns record keys, values and header values into text for the message browser, through the schema registry: a
/// value in Confluent's wire format (magic byte 0, a 4-byte schema id) is decoded with its registered schema and its
/// PII-marked fields masked; plain UTF-8 JSON and text are shown as they are; anything else as base64.
/// </summary>
/// <remarks>
/// One decoder serves one request: it caches each schema id it meets (parsed once by the registry anyway), so scanning
/// thousands of records written with the same schema costs one lookup.
/// </remarks>
internal sealed class PayloadDecoder(SchemaRegistry registry)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Dictionary<int, KnownSchema?> _schemas = [];

    /// <summary>Decodes a key or value.</summary>
    public DecodedPayload Decode(ReadOnlyMemory<byte>? bytes)
    {
        if (bytes is not { } data)
        {
            return DecodedPayload.Null;
        }

        string? note = null;
        if (data.Length >= 5 && data.Span[0] == 0)
        {
            var id = BinaryPrimitives.ReadInt32BigEndian(data.Span[1..]);
            if (Schema(id) is { } schema)
            {
                try
                {
                    return DecodeWithSchema(schema, data[5..]);
                }
                catch (Exception ex) when (ex is FormatException or JsonException or Avro.AvroException or InvalidCastException or EndOfStreamException or IOException or ArgumentException)
                {
                    note = $"starts like schema #{id} ({schema.Label}) but does not decode with it: {ex.Message}";
                }
            }
        }

        return DecodeText(data.Span) is { } text ? text with { Note = note } : new DecodedPayload(Convert.ToBase64String(data.Span), "base64", Note: note);
    }

    /// <summary>A header value: UTF-8 text when it is, else base64.</summary>
    public static string HeaderText(byte[]? value) => value switch
    {
        null => "(null)",
        _ when TryUtf8(value, out var text) && IsPrintable(text) => text,
        _ => "base64:" + Convert.ToBase64String(value),
    };

    private static DecodedPayload? DecodeText(ReadOnlySpan<byte> data)
    {
        if (!TryUtf8(data, out var text) || !IsPrintable(text))
        {
            return null;
        }

        var trimmed = text.AsSpan().TrimStart();
        if (trimmed.Length > 0 && trimmed[0] is '{' or '[')
        {
            try
            {
                using var _ = JsonDocument.Parse(text);
                return new DecodedPayload(text, "JSON");
            }
            catch (JsonException)
            {
                // Text that only looks like JSON.
            }
        }

        return new DecodedPayload(text, data.Length == 0 ? "empty" : "text");
    }

    private static DecodedPayload DecodeWithSchema(KnownSchema schema, ReadOnlyMemory<byte> payload)
    {
        int masked;
        switch (schema.Parsed)
        {
            case AvroParsedSchema avro:
                var avroJson = AvroJson.Decode(avro.Schema, payload, out masked);
                return new DecodedPayload(ToText(avroJson), "Avro " + schema.Label, masked);
            case ProtobufParsedSchema protobuf:
                var (message, fields) = ProtobufPayloadReader.Read(protobuf, payload.Span);
                return new DecodedPayload(ToText(fields), $"Protobuf {schema.Label} {message}", 0,
                    "Protobuf schemas carry no PII marking: fields are shown as written");
            default:
                var node = JsonNode.Parse(payload.Span);
                node = JsonSchemaPiiMask.Apply(node, schema.JsonSchema!.Value, out masked);
                return new DecodedPayload(ToText(node), "JSON Schema " + schema.Label, masked);
        }
    }

    private KnownSchema? Schema(int id)
    {
        if (_schemas.TryGetValue(id, out var known))
        {
            return known;
        }

        try
        {
            var parsed = registry.GetParsedSchema(id);
            var usedBy = registry.GetSubjectVersionsOf(id, includeDeleted: true);
            var label = "#" + id + (usedBy.Count > 0 ? $" {usedBy[0].Subject} v{usedBy[0].Version}" : string.Empty);
            JsonElement? jsonSchema = null;
            if (parsed.Type == SchemaType.Json)
            {
                using var document = JsonDocument.Parse(registry.GetSchema(id).Schema);
                jsonSchema = document.RootElement.Clone();
            }

            known = new KnownSchema(parsed, label, jsonSchema);
        }
        catch (Exception ex) when (ex is RegistryException or InvalidSchemaException or JsonException)
        {
            known = null;
        }

        _schemas[id] = known;
        return known;
    }

    private static string ToText(JsonNode? node) => node is null ? "null" : node.ToJsonString(Indented);

    private static bool TryUtf8(ReadOnlySpan<byte> data, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static bool IsPrintable(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t'))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record KnownSchema(ParsedSchema Parsed, string Label, JsonElement? JsonSchema);
}
