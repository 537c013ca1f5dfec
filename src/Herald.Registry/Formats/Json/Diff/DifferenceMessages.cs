using static Herald.Registry.Formats.Json.Diff.DifferenceKind;

namespace Herald.Registry.Formats.Json.Diff;

/// <summary>Developer-facing sentences per difference kind, explaining the content-model rules where they surprise.</summary>
internal static class DifferenceMessages
{
    private const string OpenModelFix =
        "close the model with additionalProperties:false, give the property the empty schema {}, or use the LENIENT compatibility policy";

    public static string For(DifferenceKind kind, string path)
    {
        var name = LastToken(path);
        return kind switch
        {
            OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL =>
                $"Property '{name}' was added to an open content model: old data may already contain a '{name}' of any type, which the new schema would reject; {OpenModelFix}.",
            REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL =>
                $"Required property '{name}' without a default was added: old data lacks it (and an open model may hold a '{name}' of any type); make it optional with a default, or add it with the empty schema {{}}.",
            REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL =>
                $"Required property '{name}' with a default was added to an open content model: old data may already contain a '{name}' of any type; {OpenModelFix}.",
            PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL =>
                $"Property '{name}' with the empty schema {{}} was added; it accepts whatever old data holds.",
            REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL =>
                $"Required property '{name}' without a default was added: data written with the old schema does not have it. Give it a default or make it optional.",
            REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL =>
                $"Required property '{name}' with a default was added to a closed or partially open model; old data cannot contain it, and the default fills it in.",
            OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL =>
                $"Optional property '{name}' was added to a closed or partially open model; old data cannot contain an unexpected '{name}'.",
            PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL =>
                $"Property '{name}' was removed; the new schema has an open content model, so it still accepts old data that contains it.",
            PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL =>
                $"Property '{name}' was removed from a closed content model (additionalProperties:false): old data containing '{name}' would be rejected; keep the property, open the model, or use the LENIENT compatibility policy.",
            PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL =>
                $"Property '{name}', declared false (never allowed), was removed from a closed content model.",
            PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL =>
                $"Property '{name}' was added and its schema accepts everything the old additionalProperties/patternProperties schema allowed for it.",
            PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL =>
                $"Property '{name}' was added, but its schema does not accept everything the old additionalProperties/patternProperties schema allowed for a '{name}' in old data; match that schema or use the LENIENT compatibility policy.",
            PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL =>
                $"Property '{name}' was removed; the new additionalProperties/patternProperties schema still accepts its old values.",
            PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL =>
                $"Property '{name}' was removed, and the new additionalProperties/patternProperties schema does not accept its old values.",
            REQUIRED_ATTRIBUTE_ADDED => $"Property '{name}' became required without a default: old data may lack it.",
            REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED => $"Property '{name}' became required; its default covers old data that lacks it.",
            REQUIRED_ATTRIBUTE_REMOVED => $"Property '{name}' is no longer required.",
            ADDITIONAL_PROPERTIES_REMOVED => "additionalProperties:false was set: old data with extra properties would be rejected.",
            ADDITIONAL_PROPERTIES_NARROWED => "additionalProperties now has a schema: extra properties in old data may not match it.",
            ADDITIONAL_PROPERTIES_ADDED or ADDITIONAL_PROPERTIES_EXTENDED => "Additional properties are now allowed more freely.",
            TYPE_CHANGED => "The type changed: old values do not match the new type.",
            TYPE_EXTENDED => "The type was widened from integer to number; every old value still matches.",
            TYPE_NARROWED => "The type was narrowed from number to integer: old fractional values would be rejected.",
            SUM_TYPE_EXTENDED => "A branch was added to the union (oneOf/anyOf or a type array); old values still match a branch.",
            SUM_TYPE_NARROWED => "A branch was removed from the union (oneOf/anyOf or a type array): old values of that branch would be rejected.",
            PRODUCT_TYPE_EXTENDED => "A subschema was added to allOf: old values may not satisfy it.",
            PRODUCT_TYPE_NARROWED => "A subschema was removed from allOf; old values satisfy fewer constraints.",
            COMBINED_TYPE_CHANGED => "The combination keyword changed (e.g. anyOf to oneOf/allOf), which constrains old values differently.",
            COMBINED_TYPE_EXTENDED => "The combination keyword was relaxed (e.g. to anyOf).",
            COMBINED_TYPE_SUBSCHEMAS_CHANGED => "The subschemas changed so that not every old subschema has a compatible new counterpart.",
            ENUM_ARRAY_EXTENDED => "Values were added to the enum.",
            ENUM_ARRAY_NARROWED => "Values were removed from the enum: old data may hold them.",
            ENUM_ARRAY_CHANGED => "The enum/const values changed: old data may hold values no longer allowed.",
            NOT_TYPE_NARROWED => "The 'not' schema forbids less than before.",
            NOT_TYPE_EXTENDED => "The 'not' schema forbids more than before: old values may be rejected.",
            SCHEMA_ADDED => "A schema was added where there was none: old values may not match it.",
            SCHEMA_REMOVED => "A schema was removed; its values are no longer constrained.",
            ID_CHANGED or TITLE_CHANGED or DESCRIPTION_CHANGED or DEFAULT_CHANGED => $"'{name}' annotation changed; it does not affect validation.",
            _ => Generic(kind),
        };
    }

    private static string Generic(DifferenceKind kind)
    {
        var words = kind.ToString().ToLowerInvariant().Replace('_', ' ');
        var compatible = CompatibilityRules.Strict.Contains(kind) || CompatibilityRules.Lenient.Contains(kind);
        var verdict = kind.ToString() switch
        {
            var k when k.EndsWith("_ADDED", StringComparison.Ordinal) && !compatible => "a new constraint that old data may violate",
            var k when k.EndsWith("_DECREASED", StringComparison.Ordinal) && k.StartsWith("MAX", StringComparison.Ordinal) => "old data may exceed the new limit",
            var k when k.EndsWith("_DECREASED", StringComparison.Ordinal) && k.StartsWith("EXCLUSIVE_MAX", StringComparison.Ordinal) => "old data may exceed the new limit",
            var k when k.EndsWith("_INCREASED", StringComparison.Ordinal) && k.Contains("MIN", StringComparison.Ordinal) => "old data may fall below the new limit",
            var k when k.EndsWith("_CHANGED", StringComparison.Ordinal) => "old data may not match the new constraint",
            _ when compatible => "old data still matches",
            _ => "old data may not match",
        };
        return $"{char.ToUpperInvariant(words[0])}{words[1..]}: {verdict}.";
    }

    private static string LastToken(string path)
    {
        var slash = path.LastIndexOf('/');
        var token = slash < 0 ? path : path[(slash + 1)..];
        return token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
    }
}
