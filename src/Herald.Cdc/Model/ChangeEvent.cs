using System.Text.Json.Nodes;

namespace Herald.Cdc.Model;

/// <summary>
/// One captured row change, before serialization: the parts of Debezium's envelope (<c>before</c>, <c>after</c>,
/// <c>source</c>, <c>op</c>, <c>ts_ms</c>) plus the key and the table's column layout, so serializers can emit the
/// JSON converter's form with or without inline schemas.
/// </summary>
/// <param name="Operation">What happened (<c>c</c>, <c>u</c>, <c>d</c>, <c>r</c>, <c>t</c>).</param>
/// <param name="Table">The table's column layout when the change was decoded.</param>
/// <param name="Key">The primary-key columns (Debezium key layout: one field per key column), null for truncate.</param>
/// <param name="Before">The old row as Debezium shapes it for the table's replica identity, or null.</param>
/// <param name="After">The new row, or null for deletes and truncates.</param>
/// <param name="Source">Where and when the change was committed.</param>
/// <param name="TimestampMs">When the connector processed the change (Unix milliseconds): envelope <c>ts_ms</c>.</param>
/// <remarks>
/// Column values in <paramref name="Key"/>, <paramref name="Before"/> and <paramref name="After"/> are already mapped to
/// Debezium's JSON representation (e.g. <c>numeric</c> as a string with <c>decimal.handling.mode=string</c>,
/// <c>timestamp</c> as microseconds since the epoch, <c>uuid</c> as a string). An unchanged TOAST value holds
/// <see cref="ChangeEvent.UnavailableValuePlaceholder"/>.
/// </remarks>
public sealed record ChangeEvent(
    ChangeOperation Operation,
    TableSchema Table,
    JsonObject? Key,
    JsonObject? Before,
    JsonObject? After,
    SourceInfo Source,
    long TimestampMs)
{
    /// <summary>Debezium's default <c>unavailable.value.placeholder</c> for unchanged TOASTed values.</summary>
    public const string UnavailableValuePlaceholder = "__debezium_unavailable_value";

    /// <summary>
    /// Extra Kafka headers for this record, e.g. <c>__debezium.newkey</c> / <c>__debezium.oldkey</c> on the delete and
    /// create that a primary-key update becomes. Empty for most events.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>Debezium's <c>op</c> codes.</summary>
public enum ChangeOperation
{
    /// <summary><c>c</c>: an INSERT.</summary>
    Create,

    /// <summary><c>u</c>: an UPDATE.</summary>
    Update,

    /// <summary><c>d</c>: a DELETE.</summary>
    Delete,

    /// <summary><c>r</c>: a row read by the initial snapshot.</summary>
    Read,

    /// <summary><c>t</c>: a TRUNCATE (no key, no before/after).</summary>
    Truncate,
}

/// <summary>Conversions between <see cref="ChangeOperation"/> and Debezium's one-letter codes.</summary>
public static class ChangeOperationCodes
{
    /// <summary>The one-letter code Debezium writes in <c>op</c>.</summary>
    public static string ToCode(this ChangeOperation operation) => operation switch
    {
        ChangeOperation.Create => "c",
        ChangeOperation.Update => "u",
        ChangeOperation.Delete => "d",
        ChangeOperation.Read => "r",
        ChangeOperation.Truncate => "t",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    /// <summary>Parses a one-letter <c>op</c> code.</summary>
    public static ChangeOperation Parse(string code) => code switch
    {
        "c" => ChangeOperation.Create,
        "u" => ChangeOperation.Update,
        "d" => ChangeOperation.Delete,
        "r" => ChangeOperation.Read,
        "t" => ChangeOperation.Truncate,
        _ => throw new FormatException($"unknown Debezium op code '{code}' (expected c, u, d, r or t)"),
    };
}
