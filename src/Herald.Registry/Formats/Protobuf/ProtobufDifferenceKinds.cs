namespace Herald.Registry.Formats.Protobuf;

/// <summary>
/// The <see cref="SchemaDifference.Kind"/> values the Protobuf format reports: Confluent's
/// <c>io.confluent.kafka.schemaregistry.protobuf.diff.Difference.Type</c> names.
/// </summary>
/// <remarks>
/// Whether a kind is compatible follows Confluent's <c>SchemaDiff.COMPATIBLE_CHANGES</c>; see <see cref="IsCompatible"/>.
/// </remarks>
public static class ProtobufDifferenceKinds
{
    public const string PackageChanged = "PACKAGE_CHANGED";
    public const string MessageAdded = "MESSAGE_ADDED";
    public const string MessageRemoved = "MESSAGE_REMOVED";
    public const string MessageMoved = "MESSAGE_MOVED";
    public const string EnumAdded = "ENUM_ADDED";
    public const string EnumRemoved = "ENUM_REMOVED";
    public const string EnumConstAdded = "ENUM_CONST_ADDED";
    public const string EnumConstChanged = "ENUM_CONST_CHANGED";
    public const string EnumConstRemoved = "ENUM_CONST_REMOVED";
    public const string FieldAdded = "FIELD_ADDED";
    public const string FieldRemoved = "FIELD_REMOVED";
    public const string FieldNameChanged = "FIELD_NAME_CHANGED";
    public const string FieldKindChanged = "FIELD_KIND_CHANGED";
    public const string FieldScalarKindChanged = "FIELD_SCALAR_KIND_CHANGED";
    public const string FieldNamedTypeChanged = "FIELD_NAMED_TYPE_CHANGED";
    public const string FieldNumericLabelChanged = "FIELD_NUMERIC_LABEL_CHANGED";
    public const string FieldStringOrBytesLabelChanged = "FIELD_STRING_OR_BYTES_LABEL_CHANGED";
    public const string RequiredFieldAdded = "REQUIRED_FIELD_ADDED";
    public const string RequiredFieldRemoved = "REQUIRED_FIELD_REMOVED";
    public const string OneofAdded = "ONEOF_ADDED";
    public const string OneofRemoved = "ONEOF_REMOVED";
    public const string OneofFieldAdded = "ONEOF_FIELD_ADDED";
    public const string OneofFieldRemoved = "ONEOF_FIELD_REMOVED";
    public const string OneofFieldMovedToTopLevel = "ONEOF_FIELD_MOVED_TO_TOP_LEVEL";
    public const string MultipleFieldsMovedToOneof = "MULTIPLE_FIELDS_MOVED_TO_ONEOF";
    public const string FieldMovedToExistingOneof = "FIELD_MOVED_TO_EXISTING_ONEOF";

    private static readonly HashSet<string> Compatible = new(StringComparer.Ordinal)
    {
        MessageAdded,
        MessageMoved,
        EnumAdded,
        EnumRemoved,
        EnumConstAdded,
        EnumConstChanged,
        EnumConstRemoved,
        FieldAdded,
        FieldRemoved,
        FieldNameChanged,
        FieldStringOrBytesLabelChanged,
        OneofAdded,
        OneofRemoved,
        OneofFieldAdded,
        OneofFieldMovedToTopLevel,
    };

    /// <summary>Whether Confluent counts <paramref name="kind"/> as a backward compatible change.</summary>
    public static bool IsCompatible(string kind) => Compatible.Contains(kind);
}
