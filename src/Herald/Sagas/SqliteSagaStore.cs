using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Sagas;

/// <summary>Saga instances, history and timeouts in the SQLite file the inbox uses.</summary>
/// <remarks>
/// Steps write through the handler's transaction (a <c>BEGIN IMMEDIATE</c> inbox transaction, so steps of one database
/// run one after another and an instance's version check only fails against a writer outside the inbox). Queries and
/// the timeout service's reads open connections of their own. Timestamps are Unix milliseconds.
/// </remarks>
public sealed partial class SqliteSagaStore : ISagaStore
{
    private const int SqliteConstraint = 19;
    private readonly string _connectionString;
    private readonly Statements _sql;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=app.db</c> (the inbox's).</param>
    /// <param name="options">Table prefix and clock; <see cref="SagaStoreOptions.Default"/> when null. SQLite prefixes cannot name a schema.</param>
    public SqliteSagaStore(string connectionString, SagaStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        Options = options ?? SagaStoreOptions.Default;
        if (Options.TablePrefix.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"table prefix '{Options.TablePrefix}' names a schema; the SQLite saga store takes a plain prefix such as 'orders_'", nameof(options));
        }

        _connectionString = connectionString;
        _sql = new Statements(Options);
    }

    public SagaStoreOptions Options { get; }

    public TimeProvider TimeProvider => Options.TimeProvider;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, _sql.CreateTables);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SagaRecord?> LoadAsync(DbTransaction transaction, string type, string id, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.Load, ("$type", type), ("$id", id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new SagaRecord(type, id, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), NullableString(reader, 3),
            Time(reader.GetInt64(4)), Time(reader.GetInt64(5)), NullableTime(reader, 6));
    }

    public async Task<bool> HasHandledAsync(DbTransaction transaction, string type, string id, Guid eventId, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.HasHandled, ("$type", type), ("$id", id), ("$event_id", Text(eventId)));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task SaveAsync(DbTransaction transaction, SagaChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var now = Now();
        var key = new (string, object?)[] { ("$type", change.Type), ("$id", change.Id), ("$now", now) };
        if (change.State is { } state)
        {
            (string, object?)[] values = [.. key, ("$step", state.Step), ("$data", state.Data), ("$completed", state.Completed), ("$expected_events", SagaJson.Names(state.ExpectedEvents))];
            if (state.ExpectedVersion == 0)
            {
                try
                {
                    await ExecuteAsync(transaction, _sql.Insert, [.. values, ("$correlation_id", state.CorrelationId)], cancellationToken).ConfigureAwait(false);
                }
                catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
                {
                    throw new SagaConcurrencyException(change.Type, change.Id, 0, exception);
                }
            }
            else if (await ExecuteAsync(transaction, _sql.Update, [.. values, ("$version", state.ExpectedVersion)], cancellationToken).ConfigureAwait(false) == 0)
            {
                throw new SagaConcurrencyException(change.Type, change.Id, state.ExpectedVersion);
            }
        }

        if (change.FiredTimeout is { } fired
            && await ExecuteAsync(transaction, _sql.Fire, [("$token", Text(fired)), ("$now", now)], cancellationToken).ConfigureAwait(false) == 0)
        {
            throw new SagaConcurrencyException(change.Type, change.Id, change.State?.ExpectedVersion ?? 0);
        }

        foreach (var timeout in change.Timeouts)
        {
            switch (timeout.Action)
            {
                case SagaTimeoutAction.CancelAll:
                    await ExecuteAsync(transaction, _sql.CancelAll, key, cancellationToken).ConfigureAwait(false);
                    break;
                case SagaTimeoutAction.Cancel:
                    await ExecuteAsync(transaction, _sql.CancelType, [.. key, ("$timeout_type", timeout.TimeoutType)], cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // A new timeout of a type supersedes the pending one: only the latest can fire.
                    await ExecuteAsync(transaction, _sql.CancelType, [.. key, ("$timeout_type", timeout.TimeoutType)], cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(transaction, _sql.Schedule,
                        [.. key, ("$timeout_type", timeout.TimeoutType), ("$token", Text(timeout.Token!.Value)), ("$due_at", Millis(timeout.DueAt!.Value)), ("$payload", timeout.Payload)],
                        cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        if (change.State is not null || change.FiredTimeout is not null || change.Timeouts.Count > 0)
        {
            await ExecuteAsync(transaction, _sql.NextTimeout, key, cancellationToken).ConfigureAwait(false);
        }

        if (change.History is { } entry)
        {
            await ExecuteAsync(transaction, _sql.AppendHistory,
            [
                .. key, ("$kind", SagaJson.Kind(entry.Kind)), ("$event_type", entry.EventType), ("$event_id", Text(entry.EventId)),
                ("$causation_id", entry.CausationId), ("$topic", entry.Topic), ("$partition", entry.Partition), ("$offset", entry.Offset),
                ("$from_step", entry.FromStep), ("$to_step", entry.ToStep), ("$data_before", entry.DataBefore), ("$data_after", entry.DataAfter),
                ("$emitted", SagaJson.Emitted(entry.Emitted)),
            ], cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<SagaTimeoutEntry?> FindTimeoutAsync(DbTransaction transaction, Guid token, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.FindTimeout, ("$token", Text(token)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SagaRows.Timeout(reader, ReadTime) : null;
    }

    public Task CancelTimeoutAsync(DbTransaction transaction, Guid token, CancellationToken cancellationToken = default) =>
        ExecuteAsync(transaction, _sql.CancelToken, [("$token", Text(token)), ("$now", Now())], cancellationToken);

    public async Task<IReadOnlyList<SagaTimeoutEntry>> FindDueTimeoutsAsync(IReadOnlyCollection<string> types, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, _sql.DueTimeouts(types.Count),
            [("$now", Millis(now)), ("$limit", limit), .. types.Select((type, i) => ($"$t{i}", (object?)type))]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var due = new List<SagaTimeoutEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            due.Add(SagaRows.Timeout(reader, ReadTime));
        }

        return due;
    }

    public async Task RecordTimeoutFailureAsync(Guid token, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(transaction, _sql.TimeoutFailure,
            [("$token", Text(token)), ("$error", error), ("$retry_at", retryAt is { } at ? Millis(at) : null), ("$now", Now())], cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PurgeCompletedAsync(string type, DateTimeOffset completedBefore, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var count = Command(connection, transaction, $"SELECT COUNT(*) FROM {Options.SagaTable} WHERE type = $type AND completed_at < $before",
            [("$type", type), ("$before", Millis(completedBefore))]);
        var purged = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        if (purged > 0)
        {
            await ExecuteAsync(transaction, _sql.Purge, [("$type", type), ("$before", Millis(completedBefore))], cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return purged;
    }

    private long Now() => Millis(TimeProvider.GetUtcNow());

    /// <summary>A connection of the store's own (queries, the timeout service, maintenance); it waits for locks like the inbox's.</summary>
    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {checked(connection.DefaultTimeout * 1000)}";
            await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<int> ExecuteAsync(DbTransaction transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Command(DbTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var sqlite = transaction as SqliteTransaction
            ?? throw new ArgumentException($"the SQLite saga store writes through a SQLite transaction, not a {transaction?.GetType().Name ?? "null"}", nameof(transaction));
        return Command(sqlite.Connection!, sqlite, sql, parameters);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static string Text(Guid id) => id.ToString("D");

    private static long Millis(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    /// <summary>SQLite keeps times as Unix milliseconds.</summary>
    internal static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => Time(reader.GetInt64(ordinal));

    private static DateTimeOffset? NullableTime(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader.GetInt64(ordinal));

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
