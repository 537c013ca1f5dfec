using System.Data.Common;

namespace Herald.Sagas;

/// <summary>
/// Reads the saga tables' rows into the query records, the same column order for SQLite and PostgreSQL; only how a
/// timestamp is stored differs (Unix milliseconds in SQLite, <c>timestamptz</c> in PostgreSQL), so each store passes its
/// own <see cref="TimeReader"/>.
/// </summary>
internal static class SagaRows
{
    /// <summary>Reads the timestamp at an ordinal the way one engine stores it.</summary>
    public delegate DateTimeOffset TimeReader(DbDataReader reader, int ordinal);

    /// <summary>The summary columns: type, id, step, version, created, updated, completed, next timeout, expected events.</summary>
    public static SagaSummary Summary(DbDataReader reader, TimeReader time) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        time(reader, 4),
        time(reader, 5),
        NullableTime(reader, 6, time),
        NullableTime(reader, 7, time),
        SagaJson.Names(NullableString(reader, 8)));

    /// <summary>One history row, in <c>seq</c> order.</summary>
    public static SagaHistoryEntry History(DbDataReader reader, TimeReader time) => new(
        reader.GetInt64(0),
        time(reader, 1),
        SagaJson.Kind(reader.GetString(2)),
        reader.GetString(3),
        reader.GetGuid(4),
        NullableString(reader, 5),
        NullableString(reader, 6),
        reader.IsDBNull(7) ? null : reader.GetInt32(7),
        reader.IsDBNull(8) ? null : reader.GetInt64(8),
        NullableString(reader, 9),
        NullableString(reader, 10),
        NullableString(reader, 11),
        NullableString(reader, 12),
        SagaJson.Emitted(NullableString(reader, 13)));

    /// <summary>One timeout row.</summary>
    public static SagaTimeoutEntry Timeout(DbDataReader reader, TimeReader time) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        time(reader, 4),
        reader.GetString(5),
        time(reader, 6),
        NullableTime(reader, 7, time),
        NullableTime(reader, 8, time),
        NullableTime(reader, 9, time),
        reader.GetInt32(10),
        NullableString(reader, 11));

    public static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal, TimeReader time) =>
        reader.IsDBNull(ordinal) ? null : time(reader, ordinal);

    public static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
