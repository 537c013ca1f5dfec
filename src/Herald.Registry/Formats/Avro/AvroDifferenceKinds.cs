namespace Herald.Registry.Formats.Avro;

/// <summary>The <see cref="SchemaDifference.Kind"/> values the Avro format reports.</summary>
/// <remarks>
/// The incompatible kinds are Avro's <c>SchemaCompatibility.SchemaIncompatibilityType</c> names, as Confluent reports
/// them. The compatible kinds are Herald's own: Confluent only reports what breaks, Herald also shows what changed.
/// </remarks>
public static class AvroDifferenceKinds
{
    /// <summary>A field the update declares is absent from the original and has no default (incompatible).</summary>
    public const string ReaderFieldMissingDefaultValue = "READER_FIELD_MISSING_DEFAULT_VALUE";

    /// <summary>The type changed to one that cannot read the original's values (incompatible).</summary>
    public const string TypeMismatch = "TYPE_MISMATCH";

    /// <summary>The update's enum lacks symbols of the original's and declares no default symbol (incompatible).</summary>
    public const string MissingEnumSymbols = "MISSING_ENUM_SYMBOLS";

    /// <summary>The update's union has no branch that reads one of the original's types (incompatible).</summary>
    public const string MissingUnionBranch = "MISSING_UNION_BRANCH";

    /// <summary>A record, enum or fixed type was renamed without listing the old name in its aliases (incompatible).</summary>
    public const string NameMismatch = "NAME_MISMATCH";

    /// <summary>A fixed type changed its size (incompatible).</summary>
    public const string FixedSizeMismatch = "FIXED_SIZE_MISMATCH";

    /// <summary>A field was added with a default, or with an enum type that has a default symbol (compatible).</summary>
    public const string FieldAddedWithDefault = "FIELD_ADDED_WITH_DEFAULT";

    /// <summary>A field was removed; the update skips it in old data (compatible).</summary>
    public const string FieldRemoved = "FIELD_REMOVED";

    /// <summary>A field was renamed and lists its old name in its aliases (compatible).</summary>
    public const string FieldRenamedWithAlias = "FIELD_RENAMED_WITH_ALIAS";

    /// <summary>A primitive was widened along Avro's promotions: int→long/float/double, long→float/double, float→double, string↔bytes (compatible).</summary>
    public const string TypePromoted = "TYPE_PROMOTED";

    /// <summary>Enum symbols were added (compatible).</summary>
    public const string EnumSymbolAdded = "ENUM_SYMBOL_ADDED";

    /// <summary>Enum symbols were removed but the update's enum declares a default symbol that old values read as (compatible).</summary>
    public const string EnumSymbolRemovedWithDefault = "ENUM_SYMBOL_REMOVED_WITH_DEFAULT";

    /// <summary>A union gained a branch, or a type became a union containing it (compatible).</summary>
    public const string UnionBranchAdded = "UNION_BRANCH_ADDED";

    /// <summary>A field's default or an enum's default symbol changed (compatible: defaults only apply to absent values).</summary>
    public const string DefaultChanged = "DEFAULT_CHANGED";

    /// <summary>A field's or a named type's <c>doc</c> changed (compatible).</summary>
    public const string DocChanged = "DOC_CHANGED";

    /// <summary>A named type was renamed and lists its old full name in its aliases (compatible).</summary>
    public const string TypeRenamedWithAlias = "TYPE_RENAMED_WITH_ALIAS";

    /// <summary>A named type kept its name but changed its namespace; Avro compares unqualified names (compatible).</summary>
    public const string NamespaceChanged = "NAMESPACE_CHANGED";

    /// <summary>A logical type was added, removed or changed over the same underlying type; Avro ignores logical types when resolving (compatible).</summary>
    public const string LogicalTypeChanged = "LOGICAL_TYPE_CHANGED";
}
