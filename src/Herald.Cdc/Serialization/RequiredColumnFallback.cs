using System.Text.Json;
using Herald.Cdc.Model;

namespace Herald.Cdc.Serialization;

/// <summary>
/// What Debezium writes for a required (<c>NOT NULL</c>) column whose value a change did not carry, such as the non-key
/// columns of a delete's <c>before</c> under <c>REPLICA IDENTITY DEFAULT</c>: not null, which Kafka Connect rejects in a
/// required field, but the zero of the column's representation.
/// </summary>
/// <remarks>
/// Debezium's <c>JdbcValueConverters.convertValue</c> maps a null value to null for an optional column and to a per-type
/// fallback for a required one (DBZ-1158); the values here are those fallbacks under the settings
/// <see cref="Connector.DebeziumTypeMapper"/> mirrors: <c>0</c>/<c>false</c> for numbers and booleans (dates, times,
/// timestamps and numeric intervals included), the epoch for zoned timestamps and times, <c>"0"</c> at the column's
/// scale for <c>numeric</c> and <c>money</c> in string mode, <c>""</c> for other text and for bytes (an empty array in
/// base64), <c>[]</c> for arrays.
/// </remarks>
internal static class RequiredColumnFallback
{
    /// <summary>Debezium's default <c>money.fraction.digits</c>.</summary>
    private const int MoneyFractionDigits = 2;

    public static void Write(Utf8JsonWriter writer, ColumnSchema column)
    {
        switch (column.SemanticName)
        {
            case "io.debezium.time.ZonedTimestamp":
                writer.WriteStringValue("1970-01-01T00:00:00Z"u8);
                return;
            case "io.debezium.time.ZonedTime":
                writer.WriteStringValue("00:00:00Z"u8);
                return;
        }

        switch (column.ConnectType)
        {
            case "int8" or "int16" or "int32" or "int64":
                writer.WriteNumberValue(0);
                break;
            case "float32" or "float64":
                writer.WriteRawValue("0.0"u8, skipInputValidation: true);
                break;
            case "boolean":
                writer.WriteBooleanValue(false);
                break;
            case "array":
                writer.WriteStartArray();
                writer.WriteEndArray();
                break;
            case "string" when column.Scale is { } scale:
                writer.WriteStringValue(Zero(scale));
                break;
            case "string" when column.PostgresType == "numeric":
                writer.WriteStringValue("0"u8);
                break;
            case "string" when column.PostgresType == "money":
                writer.WriteStringValue(Zero(MoneyFractionDigits));
                break;
            case "string" or "bytes":
                writer.WriteStringValue(""u8);
                break;
            default:
                // Structs (geometry, variable-scale decimals) are not produced by Herald's type mapping.
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary><c>BigDecimal.ZERO.setScale(scale).toPlainString()</c>: <c>0</c>, <c>0.00</c>, …</summary>
    private static string Zero(int scale) => scale > 0 ? "0." + new string('0', scale) : "0";
}
