using Microsoft.Data.Sqlite;

namespace Herald.Sagas;

public sealed partial class SqliteSagaStore
{
    public async Task<SagaPage> ListAsync(SagaFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        (string, object?)[] where =
        [
            ("$type", filter.Type), ("$step", filter.Step), ("$include_completed", filter.IncludeCompleted && filter.StuckFor is null),
            ("$stuck_before", filter.StuckFor is { } stuck ? Millis(TimeProvider.GetUtcNow() - stuck) : null),
        ];
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var items = new List<SagaSummary>();
        await using (var list = Command(connection, transaction, _sql.List, [.. where, ("$limit", filter.Limit), ("$offset", filter.Offset)]))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                items.Add(ReadSummary(reader));
            }
        }

        await using var count = Command(connection, transaction, _sql.Count, where);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        return new SagaPage(items, total);
    }

    public async Task<SagaInstance?> GetAsync(string type, string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(id);
        (string, object?)[] key = [("$type", type), ("$id", id)];
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);

        // One read transaction: the row, its history and its timeouts from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        SagaSummary summary;
        string? correlationId;
        string data;
        await using (var get = Command(connection, transaction, _sql.Get, key))
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
        await using (var command = Command(connection, transaction, _sql.History, key))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                history.Add(new SagaHistoryEntry(
                    reader.GetInt64(0),
                    Time(reader.GetInt64(1)),
                    SagaJson.Kind(reader.GetString(2)),
                    reader.GetString(3),
                    Guid.Parse(reader.GetString(4)),
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
        await using (var command = Command(connection, transaction, _sql.Timeouts, key))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                timeouts.Add(ReadTimeout(reader));
            }
        }

        return new SagaInstance(summary, correlationId, data, history, timeouts);
    }

    private static SagaSummary ReadSummary(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        Time(reader.GetInt64(4)),
        Time(reader.GetInt64(5)),
        NullableTime(reader, 6),
        NullableTime(reader, 7),
        SagaJson.Names(NullableString(reader, 8)));
}
