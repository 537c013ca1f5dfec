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
                items.Add(SagaRows.Summary(reader, ReadTime));
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

            summary = SagaRows.Summary(reader, ReadTime);
            correlationId = NullableString(reader, 9);
            data = reader.GetString(10);
        }

        var history = new List<SagaHistoryEntry>();
        await using (var command = Keyed(sql.History))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                history.Add(SagaRows.History(reader, ReadTime));
            }
        }

        var timeouts = new List<SagaTimeoutEntry>();
        await using (var command = Keyed(sql.Timeouts))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                timeouts.Add(SagaRows.Timeout(reader, ReadTime));
            }
        }

        return new SagaInstance(summary, correlationId, data, history, timeouts);
    }
}
