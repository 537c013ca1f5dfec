using System.Globalization;
using System.Text.Json.Nodes;

namespace Herald.Cdc.Connector;

/// <summary>How one column is represented: its Connect schema and how its text form becomes Debezium's JSON value.</summary>
/// <param name="ConnectType">The Kafka Connect schema type.</param>
/// <param name="SemanticName">The Connect logical type name, or null.</param>
/// <param name="ElementConnectType">For arrays, the element's Connect type.</param>
/// <param name="Convert">Turns PostgreSQL's text output of a non-null value into the JSON value.</param>
internal sealed record ColumnType(string ConnectType, string? SemanticName, string? ElementConnectType, Func<string, JsonNode?> Convert);

/// <summary>
/// Maps PostgreSQL column types to Debezium's representation, from the values' text output (what pgoutput sends in
/// text mode and what <c>::text</c> returns in the snapshot, so both phases share one conversion).
/// </summary>
/// <remarks>
/// Settings mirrored: <c>decimal.handling.mode=string</c> (Debezium's default is <c>precise</c>, a base64 big-endian
/// unscaled integer plus a scale parameter; the string form is lossless, readable and needs no per-column schema
/// parameters), <c>time.precision.mode=adaptive</c> (the default: precision 0-3 in milliseconds, 4-6 in microseconds),
/// <c>binary.handling.mode=bytes</c> (base64 in JSON), <c>interval.handling.mode=numeric</c> (microseconds, a month
/// counted as 365.25/12 days). The session settings that shape text output are pinned by
/// <see cref="SessionSettings"/>.
/// </remarks>
internal static class DebeziumTypeMapper
{
    private const string Date = "io.debezium.time.Date";
    private const long MicrosPerDay = 86_400_000_000L;
    private static readonly DateTime Epoch = DateTime.UnixEpoch;

    private static readonly ColumnType Text = new("string", null, null, static s => JsonValue.Create(s));

    /// <summary>The representation of a column of <paramref name="type"/> with <paramref name="typeModifier"/> (<c>atttypmod</c>).</summary>
    public static ColumnType Map(PgType type, int typeModifier)
    {
        var effective = type.Effective;
        if (effective.Element is { } element)
        {
            var elementType = Map(element, typeModifier);
            return new ColumnType("array", null, elementType.ConnectType, s => PgArrayParser.Parse(s, elementType.Convert));
        }

        if (effective.Kind == 'e')
        {
            return new ColumnType("string", "io.debezium.data.Enum", null, static s => JsonValue.Create(s));
        }

        return effective.Name switch
        {
            "bool" => new("boolean", null, null, static s => JsonValue.Create(s == "t")),
            "int2" => new("int16", null, null, static s => JsonValue.Create(short.Parse(s, CultureInfo.InvariantCulture))),
            "int4" => new("int32", null, null, static s => JsonValue.Create(int.Parse(s, CultureInfo.InvariantCulture))),
            "int8" => new("int64", null, null, static s => JsonValue.Create(long.Parse(s, CultureInfo.InvariantCulture))),
            "oid" or "xid" => new("int64", null, null, static s => JsonValue.Create(long.Parse(s, CultureInfo.InvariantCulture))),
            "float4" => new("float32", null, null, ParseFloat),
            "float8" => new("float64", null, null, ParseFloat),
            "numeric" => Text,
            "money" => new("string", null, null, static s => JsonValue.Create(ParseMoney(s))),
            "json" or "jsonb" => new("string", "io.debezium.data.Json", null, static s => JsonValue.Create(s)),
            "xml" => new("string", "io.debezium.data.Xml", null, static s => JsonValue.Create(s)),
            "uuid" => new("string", "io.debezium.data.Uuid", null, static s => JsonValue.Create(s)),
            "bytea" => new("bytes", null, null, static s => JsonValue.Create(Convert.ToBase64String(ParseBytea(s)))),
            "date" => new("int32", Date, null, static s => JsonValue.Create(ParseDate(s))),
            "time" => Precision(typeModifier) <= 3
                ? new("int32", "io.debezium.time.Time", null, static s => JsonValue.Create((int)(ParseTimeMicros(s) / 1000)))
                : new("int64", "io.debezium.time.MicroTime", null, static s => JsonValue.Create(ParseTimeMicros(s))),
            "timetz" => new("string", "io.debezium.time.ZonedTime", null, static s => JsonValue.Create(ParseTimeTz(s))),
            "timestamp" => Precision(typeModifier) <= 3
                ? new("int64", "io.debezium.time.Timestamp", null, static s => JsonValue.Create(MicrosToMillis(ParseTimestampMicros(s))))
                : new("int64", "io.debezium.time.MicroTimestamp", null, static s => JsonValue.Create(ParseTimestampMicros(s))),
            "timestamptz" => new("string", "io.debezium.time.ZonedTimestamp", null, static s => JsonValue.Create(ParseTimestampTz(s))),
            "interval" => new("int64", "io.debezium.time.MicroDuration", null, static s => JsonValue.Create(ParseIntervalMicros(s))),
            _ => Text,
        };
    }

    /// <summary>The declared scale of a <c>numeric(p, s)</c> column, or null (other types, <c>numeric</c> without a typmod).</summary>
    public static int? NumericScale(PgType type, int typeModifier)
    {
        if (type.Effective.Name != "numeric" || typeModifier < 4)
        {
            return null;
        }

        // atttypmod = ((precision << 16) | (scale & 0x7ff)) + 4; PostgreSQL 15 allows negative scales (11-bit two's complement).
        var scale = (typeModifier - 4) & 0x7ff;
        return (scale ^ 0x400) - 0x400;
    }

    /// <summary>Floors (a pre-1970 instant stays in its millisecond), keeping the infinity sentinels.</summary>
    private static long MicrosToMillis(long micros) =>
        micros is long.MaxValue or long.MinValue ? micros : (long)Math.Floor(micros / 1000d);

    /// <summary><c>atttypmod</c> of time/timestamp columns is the fractional-second precision; -1 means the default, 6.</summary>
    private static int Precision(int typeModifier) => typeModifier < 0 ? 6 : typeModifier;

    private static JsonNode? ParseFloat(string s) => s switch
    {
        // JSON has no NaN or infinities; Debezium's JsonConverter (Jackson) writes them as bare tokens, which most
        // parsers reject, so they travel as strings here.
        "NaN" or "Infinity" or "-Infinity" => JsonValue.Create(s),
        _ => JsonValue.Create(double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
    };

    private static string ParseMoney(string s)
    {
        // money's text form is locale-formatted ("$1,234.56", "-$5.00"); keep the sign, digits and the point.
        var negative = s.Contains('-', StringComparison.Ordinal) || s.StartsWith('(');
        var digits = new string(s.Where(c => char.IsAsciiDigit(c) || c == '.').ToArray());
        return negative ? "-" + digits : digits;
    }

    internal static byte[] ParseBytea(string s)
    {
        if (s.StartsWith("\\x", StringComparison.Ordinal))
        {
            return Convert.FromHexString(s.AsSpan(2));
        }

        // bytea_output=escape: octal escapes and doubled backslashes.
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '\\' && i + 1 < s.Length && s[i + 1] == '\\')
            {
                bytes.Add((byte)'\\');
                i++;
            }
            else if (s[i] == '\\' && i + 3 < s.Length)
            {
                bytes.Add(System.Convert.ToByte(s.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.Add((byte)s[i]);
            }
        }

        return [.. bytes];
    }

    internal static int ParseDate(string s) => s switch
    {
        "infinity" => int.MaxValue,
        "-infinity" => int.MinValue,
        _ => DateOnly.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber - DateOnly.FromDateTime(Epoch).DayNumber,
    };

    internal static long ParseTimeMicros(string s)
    {
        // PostgreSQL allows 24:00:00, which TimeSpan parsing of "hh" rejects.
        if (s.StartsWith("24:00:00", StringComparison.Ordinal))
        {
            return MicrosPerDay;
        }

        return TimeSpan.ParseExact(s, ["hh\\:mm\\:ss", "hh\\:mm\\:ss\\.FFFFFF"], CultureInfo.InvariantCulture).Ticks / 10;
    }

    internal static long ParseTimestampMicros(string s) => s switch
    {
        "infinity" => long.MaxValue,
        "-infinity" => long.MinValue,
        _ => (DateTime.ParseExact(s, ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFF"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal).Ticks - Epoch.Ticks) / 10,
    };

    internal static string ParseTimestampTz(string s)
    {
        if (s is "infinity" or "-infinity")
        {
            return s;
        }

        var value = DateTimeOffset.ParseExact(NormalizeOffset(s), ["yyyy-MM-dd HH:mm:sszzz", "yyyy-MM-dd HH:mm:ss.FFFFFFzzz"], CultureInfo.InvariantCulture, DateTimeStyles.None);
        return value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);
    }

    internal static string ParseTimeTz(string s)
    {
        var normalized = NormalizeOffset(s);
        var offsetAt = normalized.LastIndexOfAny(['+', '-']);
        var time = TimeSpan.FromTicks(ParseTimeMicros(normalized[..offsetAt]) * 10);
        var offset = TimeSpan.ParseExact(normalized[(offsetAt + 1)..], "hh\\:mm", CultureInfo.InvariantCulture);
        var utc = normalized[offsetAt] == '+' ? time - offset : time + offset;
        utc = TimeSpan.FromTicks(((utc.Ticks % TimeSpan.TicksPerDay) + TimeSpan.TicksPerDay) % TimeSpan.TicksPerDay);
        return utc.ToString("hh\\:mm\\:ss\\.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.') + "Z";
    }

    /// <summary>PostgreSQL writes offsets as <c>+HH</c>, <c>+HH:MM</c> or <c>+HH:MM:SS</c>; .NET parses <c>+HH:MM</c>.</summary>
    private static string NormalizeOffset(string s)
    {
        var at = s.LastIndexOfAny(['+', '-']);
        if (at < 0 || at < s.Length - 9)
        {
            return s;
        }

        var offset = s[(at + 1)..];
        return offset.Length switch
        {
            2 => s + ":00",
            8 => s[..(at + 6)], // seconds in an offset only occur for pre-1900 local mean time; dropped.
            _ => s,
        };
    }

    /// <summary>Parses <c>IntervalStyle=iso_8601</c> output, e.g. <c>P1Y2M3DT4H5M6.5S</c>, <c>PT-1H</c>.</summary>
    internal static long ParseIntervalMicros(string s)
    {
        const double DaysPerMonth = 365.25 / 12;
        double months = 0, days = 0, micros = 0;
        var inTime = false;
        var start = 1;
        for (var i = 1; i < s.Length; i++)
        {
            var c = s[i];
            if (c == 'T')
            {
                inTime = true;
                start = i + 1;
                continue;
            }

            if (char.IsAsciiLetter(c))
            {
                var number = double.Parse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture);
                switch (c)
                {
                    case 'Y': months += number * 12; break;
                    case 'M' when !inTime: months += number; break;
                    case 'W': days += number * 7; break;
                    case 'D': days += number; break;
                    case 'H': micros += number * 3_600_000_000d; break;
                    case 'M': micros += number * 60_000_000d; break;
                    case 'S': micros += number * 1_000_000d; break;
                }

                start = i + 1;
            }
        }

        return (long)Math.Round(((months * DaysPerMonth) + days) * MicrosPerDay + micros);
    }
}
