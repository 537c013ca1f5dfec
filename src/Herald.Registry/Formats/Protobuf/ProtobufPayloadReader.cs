using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>
/// Reads a Protobuf payload in Confluent's wire format (after the magic byte and schema id: the message indexes, then the
/// message) into JSON with the schema's field names, for people looking at messages.
/// </summary>
/// <remarks>
/// Fields are named as declared; enums by value name; nested messages, repeated fields (packed or not) and maps are
/// read; 64-bit integers are JSON numbers; <c>bytes</c> are base64. A field the schema does not declare appears as
/// <c>"#&lt;number&gt;"</c> with its raw value. Groups (proto2's deprecated wire types 3 and 4) and anything malformed stop
/// the read with <see cref="FormatException"/>. This is a viewer, not a conformant JSON mapping: well-known types
/// (<c>Timestamp</c>, wrappers) appear as the messages they are.
/// </remarks>
public static class ProtobufPayloadReader
{
    private const int MaxDepth = 32;

    /// <summary>Reads the message indexes and the message after them.</summary>
    /// <param name="schema">The schema the payload's id names.</param>
    /// <param name="payload">The bytes after the 5-byte Confluent header.</param>
    /// <returns>The message's full name and its fields.</returns>
    /// <exception cref="FormatException">The indexes name no message of the schema, or the message is malformed.</exception>
    public static (string MessageName, JsonObject Fields) Read(ProtobufParsedSchema schema, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var position = 0;
        var count = ReadZigZag(payload, ref position);
        if (count < 0 || count > 64)
        {
            throw new FormatException($"message index count {count} is not plausible");
        }

        var indexes = new int[count];
        for (var i = 0; i < indexes.Length; i++)
        {
            indexes[i] = checked((int)ReadZigZag(payload, ref position));
        }

        if (!schema.TryGetMessageName(indexes, out var name) || schema.Types.Find(name)?.Message is not { } message)
        {
            throw new FormatException($"message indexes [{string.Join(", ", indexes)}] name no message of the schema");
        }

        return (name, ReadMessage(schema.Types, message, payload[position..], 0));
    }

    private static JsonObject ReadMessage(ProtobufTypeTable types, DescriptorProto message, ReadOnlySpan<byte> data, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"messages nest deeper than {MaxDepth}");
        }

        var result = new JsonObject();
        var position = 0;
        while (position < data.Length)
        {
            var tag = ReadVarint(data, ref position);
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            var field = message.Fields.Find(f => f.Number == number);
            if (field is null)
            {
                Add(result, "#" + number, ReadUnknown(data, ref position, wireType), repeated: true);
                continue;
            }

            var repeated = field.label == FieldDescriptorProto.Label.LabelRepeated;
            if (wireType == 2 && repeated && IsPackable(field.type))
            {
                var packed = ReadLengthDelimited(data, ref position);
                var inner = 0;
                while (inner < packed.Length)
                {
                    Add(result, field.Name, ReadScalar(types, field, packed, ref inner, PackedWireType(field.type)), repeated: true);
                }

                continue;
            }

            if (field.type is FieldDescriptorProto.Type.TypeMessage && types.Find(field.TypeName) is { Message: { } nested } entry)
            {
                var bytes = ReadLengthDelimited(data, ref position);
                var value = ReadMessage(types, nested, bytes, depth + 1);
                if (entry.IsMapEntry)
                {
                    var map = result[field.Name] as JsonObject ?? new JsonObject();
                    result[field.Name] = map;
                    map[value["key"]?.ToString() ?? string.Empty] = value["value"]?.DeepClone();
                }
                else
                {
                    Add(result, field.Name, value, repeated);
                }

                continue;
            }

            Add(result, field.Name, ReadScalar(types, field, data, ref position, wireType), repeated);
        }

        return result;
    }

    private static JsonNode? ReadScalar(ProtobufTypeTable types, FieldDescriptorProto field, ReadOnlySpan<byte> data, ref int position, int wireType)
    {
        if (wireType != WireTypeOf(field.type))
        {
            return ReadUnknown(data, ref position, wireType);
        }

        switch (field.type)
        {
            case FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeGroup:
                // A message type the schema cannot resolve: show the bytes rather than guess.
                return ReadUnknown(data, ref position, wireType);
            case FieldDescriptorProto.Type.TypeString:
                return JsonValue.Create(Encoding.UTF8.GetString(ReadLengthDelimited(data, ref position)));
            case FieldDescriptorProto.Type.TypeBytes:
                return JsonValue.Create(Convert.ToBase64String(ReadLengthDelimited(data, ref position)));
            case FieldDescriptorProto.Type.TypeDouble:
                return JsonValue.Create(BitConverter.Int64BitsToDouble((long)ReadFixed64(data, ref position)));
            case FieldDescriptorProto.Type.TypeFixed64:
                return JsonValue.Create(ReadFixed64(data, ref position));
            case FieldDescriptorProto.Type.TypeSfixed64:
                return JsonValue.Create((long)ReadFixed64(data, ref position));
            case FieldDescriptorProto.Type.TypeFloat:
                return JsonValue.Create(BitConverter.Int32BitsToSingle((int)ReadFixed32(data, ref position)));
            case FieldDescriptorProto.Type.TypeFixed32:
                return JsonValue.Create(ReadFixed32(data, ref position));
            case FieldDescriptorProto.Type.TypeSfixed32:
                return JsonValue.Create((int)ReadFixed32(data, ref position));
        }

        var raw = ReadVarint(data, ref position);
        return field.type switch
        {
            FieldDescriptorProto.Type.TypeBool => JsonValue.Create(raw != 0),
            FieldDescriptorProto.Type.TypeInt32 => JsonValue.Create((int)raw),
            FieldDescriptorProto.Type.TypeUint32 => JsonValue.Create((uint)raw),
            FieldDescriptorProto.Type.TypeSint32 => JsonValue.Create((int)ZigZag(raw)),
            FieldDescriptorProto.Type.TypeInt64 => JsonValue.Create((long)raw),
            FieldDescriptorProto.Type.TypeUint64 => JsonValue.Create(raw),
            FieldDescriptorProto.Type.TypeSint64 => JsonValue.Create(ZigZag(raw)),
            FieldDescriptorProto.Type.TypeEnum => EnumName(types, field.TypeName, (int)raw),
            _ => JsonValue.Create(raw),
        };
    }

    private static JsonNode EnumName(ProtobufTypeTable types, string typeName, int value) =>
        types.Find(typeName)?.Enum?.Values.Find(v => v.Number == value) is { } known ? JsonValue.Create(known.Name) : JsonValue.Create(value);

    private static JsonNode? ReadUnknown(ReadOnlySpan<byte> data, ref int position, int wireType) => wireType switch
    {
        0 => JsonValue.Create(ReadVarint(data, ref position)),
        1 => JsonValue.Create(ReadFixed64(data, ref position)),
        2 => JsonValue.Create(Convert.ToBase64String(ReadLengthDelimited(data, ref position))),
        5 => JsonValue.Create(ReadFixed32(data, ref position)),
        _ => throw new FormatException($"wire type {wireType} (groups) is not supported"),
    };

    private static void Add(JsonObject result, string name, JsonNode? value, bool repeated)
    {
        if (!repeated)
        {
            // A singular field seen twice: the last one wins, as in every Protobuf parser.
            result[name] = value;
            return;
        }

        if (result[name] is not JsonArray array)
        {
            array = [];
            result[name] = array;
        }

        array.Add(value);
    }

    private static bool IsPackable(FieldDescriptorProto.Type type) =>
        type is not (FieldDescriptorProto.Type.TypeString or FieldDescriptorProto.Type.TypeBytes
            or FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeGroup);

    private static int PackedWireType(FieldDescriptorProto.Type type) => WireTypeOf(type);

    private static int WireTypeOf(FieldDescriptorProto.Type type) => type switch
    {
        FieldDescriptorProto.Type.TypeDouble or FieldDescriptorProto.Type.TypeFixed64 or FieldDescriptorProto.Type.TypeSfixed64 => 1,
        FieldDescriptorProto.Type.TypeFloat or FieldDescriptorProto.Type.TypeFixed32 or FieldDescriptorProto.Type.TypeSfixed32 => 5,
        FieldDescriptorProto.Type.TypeString or FieldDescriptorProto.Type.TypeBytes or FieldDescriptorProto.Type.TypeMessage => 2,
        FieldDescriptorProto.Type.TypeGroup => 3,
        _ => 0,
    };

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new FormatException("the message ends inside a varint");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new FormatException("a varint is longer than 10 bytes");
    }

    private static long ReadZigZag(ReadOnlySpan<byte> data, ref int position) => ZigZag(ReadVarint(data, ref position));

    private static long ZigZag(ulong raw) => (long)(raw >> 1) ^ -(long)(raw & 1);

    private static ulong ReadFixed64(ReadOnlySpan<byte> data, ref int position)
    {
        if (data.Length - position < 8)
        {
            throw new FormatException("the message ends inside a 64-bit value");
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(data[position..]);
        position += 8;
        return value;
    }

    private static uint ReadFixed32(ReadOnlySpan<byte> data, ref int position)
    {
        if (data.Length - position < 4)
        {
            throw new FormatException("the message ends inside a 32-bit value");
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(data[position..]);
        position += 4;
        return value;
    }

    private static ReadOnlySpan<byte> ReadLengthDelimited(ReadOnlySpan<byte> data, ref int position)
    {
        var length = ReadVarint(data, ref position);
        if (length > (ulong)(data.Length - position))
        {
            throw new FormatException("a length-delimited field runs past the end of the message");
        }

        var slice = data.Slice(position, (int)length);
        position += (int)length;
        return slice;
    }
}
