using Google.Protobuf.Reflection;

namespace Herald.Registry.Formats.Protobuf;

/// <summary>Scalar type names and Confluent's wire-compatible scalar groups.</summary>
internal static class ProtobufScalars
{
    /// <summary>
    /// Groups of scalars that decode each other's bytes
    /// (<see href="https://protobuf.dev/programming-guides/proto3/#updating"/>); enums belong to <see cref="ScalarGroup.Varint"/>.
    /// </summary>
    public static ScalarGroup Group(FieldDescriptorProto.Type type) => type switch
    {
        FieldDescriptorProto.Type.TypeInt32 or FieldDescriptorProto.Type.TypeInt64 or FieldDescriptorProto.Type.TypeUint32
            or FieldDescriptorProto.Type.TypeUint64 or FieldDescriptorProto.Type.TypeBool or FieldDescriptorProto.Type.TypeEnum => ScalarGroup.Varint,
        FieldDescriptorProto.Type.TypeSint32 or FieldDescriptorProto.Type.TypeSint64 => ScalarGroup.ZigZag,
        FieldDescriptorProto.Type.TypeString or FieldDescriptorProto.Type.TypeBytes => ScalarGroup.StringOrBytes,
        FieldDescriptorProto.Type.TypeFixed32 or FieldDescriptorProto.Type.TypeSfixed32 => ScalarGroup.Fixed32,
        FieldDescriptorProto.Type.TypeFixed64 or FieldDescriptorProto.Type.TypeSfixed64 => ScalarGroup.Fixed64,
        FieldDescriptorProto.Type.TypeFloat => ScalarGroup.Float,
        FieldDescriptorProto.Type.TypeDouble => ScalarGroup.Double,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a scalar type."),
    };

    public static string Name(FieldDescriptorProto.Type type) => type switch
    {
        FieldDescriptorProto.Type.TypeDouble => "double",
        FieldDescriptorProto.Type.TypeFloat => "float",
        FieldDescriptorProto.Type.TypeInt64 => "int64",
        FieldDescriptorProto.Type.TypeUint64 => "uint64",
        FieldDescriptorProto.Type.TypeInt32 => "int32",
        FieldDescriptorProto.Type.TypeFixed64 => "fixed64",
        FieldDescriptorProto.Type.TypeFixed32 => "fixed32",
        FieldDescriptorProto.Type.TypeBool => "bool",
        FieldDescriptorProto.Type.TypeString => "string",
        FieldDescriptorProto.Type.TypeBytes => "bytes",
        FieldDescriptorProto.Type.TypeUint32 => "uint32",
        FieldDescriptorProto.Type.TypeSfixed32 => "sfixed32",
        FieldDescriptorProto.Type.TypeSfixed64 => "sfixed64",
        FieldDescriptorProto.Type.TypeSint32 => "sint32",
        FieldDescriptorProto.Type.TypeSint64 => "sint64",
        FieldDescriptorProto.Type.TypeGroup => "group",
        FieldDescriptorProto.Type.TypeMessage => "message",
        FieldDescriptorProto.Type.TypeEnum => "enum",
        _ => type.ToString(),
    };
}

/// <summary>Confluent's <c>FieldSchemaDiff.ScalarKind</c>: scalars within one group read each other's encoding.</summary>
internal enum ScalarGroup
{
    Varint,
    ZigZag,
    StringOrBytes,
    Fixed32,
    Fixed64,
    Float,
    Double,
}
