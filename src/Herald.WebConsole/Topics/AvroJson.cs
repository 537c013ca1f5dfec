using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Avro;
using Avro.Generic;
using Avro.IO;

namespace Herald.WebConsole.Topics;

/// <summary>Decodes an Avro binary payload with its writer schema (Apache.Avro's <see cref="GenericDatumReader{T}"/>) into JSON for display.</summary>
/// <remarks>
/// Records become objects in field order, unions their branch's value (not Avro's <c>{"type": value}</c> wrapping),
/// enums their symbol, bytes and fixed base64, logical types their natural text (a decimal as its digits, a timestamp as
/// ISO 8601). A field whose schema carries <c>"x-herald-pii": true</c> shows <c>***</c>.
/// </remarks>
internal static class AvroJson
{
    public static JsonNode? Decode(Schema schema, ReadOnlyMemory<byte> payload, out int masked)
    {
        var reader = new GenericDatumReader<object>(schema, schema);
        using var stream = new MemoryStream(payload.ToArray(), writable: false);
        var datum = reader.Read(null!, new BinaryDecoder(stream));
        if (stream.Position != stream.Length)
        {
            throw new AvroException($"{stream.Length - stream.Position} bytes left after the datum: the payload does not match its schema");
        }

        masked = 0;
        return ToJson(datum, ref masked, 0);
    }

    private static JsonNode? ToJson(object? value, ref int masked, int depth)
    {
        if (depth > 64)
        {
            throw new AvroException("the datum nests deeper than 64 levels");
        }

        switch (value)
        {
            case null:
                return null;
            case GenericRecord record:
                var result = new JsonObject();
                foreach (var field in record.Schema.Fields)
                {
                    record.TryGetValue(field.Pos, out var fieldValue);
                    if (IsPii(field))
                    {
                        masked++;
                        result[field.Name] = JsonSchemaPiiMask.PiiMask;
                    }
                    else
                    {
                        result[field.Name] = ToJson(fieldValue, ref masked, depth + 1);
                    }
                }

                return result;
            case GenericEnum symbol:
                return symbol.Value;
            case GenericFixed fixedValue:
                return Convert.ToBase64String(fixedValue.Value);
            case byte[] bytes:
                return Convert.ToBase64String(bytes);
            case string text:
                return text;
            case bool flag:
                return flag;
            case int number:
                return number;
            case long number:
                return number;
            case float number:
                return float.IsFinite(number) ? number : number.ToString(CultureInfo.InvariantCulture);
            case double number:
                return double.IsFinite(number) ? number : number.ToString(CultureInfo.InvariantCulture);
            case DateTime time:
                return time.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            case IDictionary map:
                var mapResult = new JsonObject();
                foreach (DictionaryEntry entry in map)
                {
                    mapResult[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = ToJson(entry.Value, ref masked, depth + 1);
                }

                return mapResult;
            case IEnumerable items:
                var array = new JsonArray();
                foreach (var item in items)
                {
                    array.Add(ToJson(item, ref masked, depth + 1));
                }

                return array;
            case IFormattable formattable:
                // Logical types: AvroDecimal, TimeSpan (time-*), Guid (uuid).
                return formattable.ToString(null, CultureInfo.InvariantCulture);
            default:
                return value.ToString();
        }
    }

    private static bool IsPii(Field field) =>
        field.GetProperty(JsonSchemaPiiMask.PiiKeyword) is { } marker && marker.Trim() == "true";
}
