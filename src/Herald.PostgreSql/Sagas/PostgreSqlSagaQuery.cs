using Herald.Sagas;
using Npgsql;
using static Herald.PostgreSql.Sagas.PostgreSqlSagaStore;

namespace Herald.PostgreSql.Sagas;

/// <summary>The read side of <see cref="PostgreSqlSagaStore"/>: lists and single instances, each from one snapshot.</summary>
internal static class PostgreSqlSagaQuery
{
    public static async Task<SagaPage> ListAsync(NpgsqlDataSource dataSource, PostgreSqlSagaStatements sql, SagaFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        NpgsqlParameter[] Where() =>
        [
            Text(filter.Type), Text(filter.Step), Bool(filter.IncludeCompleted && filter.StuckFor is null),
            Time(filter.StuckFor is { } stuck ? now - stuck : null),
        ];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        var items = new List<SagaSummary>();
        await using (var list = new NpgsqlCommand(sql.List, connection, transaction))
        {
            list.Parameters.AddRange(Where());
            list.Parameters.Add(Int(filter.Limit));
            list.Parameters.Add(Int(filter.Offset));
            await using var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadSummary(reader));
            }
        }

        await using var count = new NpgsqlCommand(sql.Count, connection, transaction);
        count.Parameters.AddRange(Where());
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return new SagaPage(items, total);
    }

    public static async Task<SagaInstance?> GetAsync(NpgsqlDataSource dataSource, PostgreSqlSagaStatements sql, string type, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        NpgsqlCommand Keyed(string text) => new(text, connection, transaction) { Parameters = { Text(type), Text(id) } };
        SagaSummary summary;
        string? correlationId;
        string data;
        await using (var get = Keyed(sql.Get))
        await using (var reader = await get.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            summary = ReadSummary(reader);
            correlationId = NullableString(reader, 9);
            data = reader.GetString(10);
        }

        var history = new List<SagaHistoryEntry>();
        await using (var command = Keyed(sql.History))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                history.Add(new SagaHistoryEntry(
                    reader.GetInt64(0),
                    reader.GetFieldValue<DateTimeOffset>(1),
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
                    SagaJson.Emitted(NullableString(reader, 13))));
            }
        }

        var timeouts = new List<SagaTimeoutEntry>();
        await using (var command = Keyed(sql.Timeouts))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                timeouts.Add(ReadTimeout(reader));
            }
        }

        return new SagaInstance(summary, correlationId, data, history, timeouts);
    }

    private static SagaSummary ReadSummary(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        NullableTime(reader, 6),
        NullableTime(reader, 7),
        SagaJson.Names(NullableString(reader, 8)));
}
