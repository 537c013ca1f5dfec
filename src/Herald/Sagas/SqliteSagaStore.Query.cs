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
                items.Add(SagaRows.Summary(reader, ReadTime));
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

            summary = SagaRows.Summary(reader, ReadTime);
            correlationId = NullableString(reader, 9);
            data = reader.GetString(10);
        }

        var history = new List<SagaHistoryEntry>();
        await using (var command = Command(connection, transaction, _sql.History, key))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                history.Add(SagaRows.History(reader, ReadTime));
            }
        }

        var timeouts = new List<SagaTimeoutEntry>();
        await using (var command = Command(connection, transaction, _sql.Timeouts, key))
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
