namespace Herald.WebConsole.Schemas;

/// <summary>What happened to a field, property or message between two versions.</summary>
public enum FieldChangeKind
{
    /// <summary>It exists only in the newer version.</summary>
    Added,

    /// <summary>It exists only in the older version.</summary>
    Removed,

    /// <summary>It exists in both, differently (type, default, constraint, name, ...).</summary>
    Changed,
}

/// <summary>One change between two versions, judged in both directions by the format's own diff.</summary>
/// <param name="Path">Where: a JSON pointer, an Avro field path or a Protobuf path.</param>
/// <param name="Change">Added, removed or changed.</param>
/// <param name="Kind">The rule(s) the change touches, in Confluent's vocabulary.</param>
/// <param name="Message">What changed.</param>
/// <param name="Backward">Whether the newer version still reads data written with the older one.</param>
/// <param name="Forward">Whether readers of the older version still read data written with the newer one.</param>
public sealed record FieldChange(string Path, FieldChangeKind Change, string Kind, string Message, bool Backward, bool Forward)
{
    /// <summary>
    /// Classifies a difference kind from <c>Diff(older, newer)</c>: a property, field or message that appears is added,
    /// one that disappears is removed, anything else changed.
    /// </summary>
    /// <remarks>
    /// The kinds are the formats' Confluent vocabulary: JSON Schema's <c>OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL</c>,
    /// <c>PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL</c>; Avro's <c>FIELD_ADDED_WITH_DEFAULT</c>, <c>FIELD_REMOVED</c>
    /// and <c>READER_FIELD_MISSING_DEFAULT_VALUE</c> (a field added without a default); Protobuf's <c>FIELD_ADDED</c>,
    /// <c>REQUIRED_FIELD_REMOVED</c>, <c>MESSAGE_ADDED</c>.
    /// </remarks>
    public static FieldChangeKind Classify(string kind)
    {
        if (kind == "READER_FIELD_MISSING_DEFAULT_VALUE")
        {
            return FieldChangeKind.Added;
        }

        var member = kind.Contains("PROPERTY", StringComparison.Ordinal)
            || kind.Contains("FIELD", StringComparison.Ordinal)
            || kind.Contains("MESSAGE", StringComparison.Ordinal);
        if (member && kind.Contains("_ADDED", StringComparison.Ordinal))
        {
            return FieldChangeKind.Added;
        }

        return member && kind.Contains("_REMOVED", StringComparison.Ordinal) ? FieldChangeKind.Removed : FieldChangeKind.Changed;
    }
}
