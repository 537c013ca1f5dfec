using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>A field's type as Confluent's diff sees it: a scalar (enums included), a message, or a map.</summary>
internal abstract record ProtobufFieldType
{
    public abstract FieldKind Kind { get; }

    public static ProtobufFieldType Of(FieldDescriptorProto field, ProtobufTypeTable types)
    {
        switch (field.type)
        {
            case FieldDescriptorProto.Type.TypeMessage or FieldDescriptorProto.Type.TypeGroup:
                var entry = types.Find(field.TypeName);
                if (entry is { IsMapEntry: true, Message: { } mapEntry })
                {
                    return new MapType(Of(mapEntry.Fields.Single(f => f.Number == 1), types), Of(mapEntry.Fields.Single(f => f.Number == 2), types));
                }

                return entry?.Enum is not null ? new EnumType(entry.FullName) : new MessageType(Trim(field.TypeName), entry);
            case FieldDescriptorProto.Type.TypeEnum:
                return new EnumType(Trim(field.TypeName));
            default:
                return new ScalarType(field.type);
        }
    }

    private static string Trim(string typeName) => typeName.StartsWith('.') ? typeName[1..] : typeName;
}

internal sealed record ScalarType(FieldDescriptorProto.Type Type) : ProtobufFieldType
{
    public override FieldKind Kind => FieldKind.Scalar;

    public override string ToString() => ProtobufScalars.Name(Type);
}

internal sealed record EnumType(string FullName) : ProtobufFieldType
{
    public override FieldKind Kind => FieldKind.Scalar;

    public override string ToString() => "enum " + FullName;
}

internal sealed record MessageType(string FullName, ProtobufTypeEntry? Entry) : ProtobufFieldType
{
    public override FieldKind Kind => FieldKind.Message;

    public override string ToString() => "message " + FullName;
}

internal sealed record MapType(ProtobufFieldType Key, ProtobufFieldType Value) : ProtobufFieldType
{
    public override FieldKind Kind => FieldKind.Map;

    public override string ToString() => $"map<{Name(Key)}, {Name(Value)}>";

    private static string Name(ProtobufFieldType type) => type switch
    {
        EnumType e => e.FullName,
        MessageType m => m.FullName,
        _ => type.ToString(),
    };
}

/// <summary>Confluent's <c>FieldSchemaDiff.Kind</c>.</summary>
internal enum FieldKind
{
    Scalar,
    Message,
    Map,
}

/// <summary>A field's label as Confluent's parser (Square Wire) reports it: none for proto3 implicit presence, oneof members and maps.</summary>
internal enum FieldLabel
{
    Optional,
    Required,
    Repeated,
}
