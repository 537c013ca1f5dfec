using System.Data.Common;
using Herald.Sagas;
using Npgsql;
using NpgsqlTypes;

namespace Herald.PostgreSql.Sagas;

/// <summary>Saga instances, history and timeouts in the PostgreSQL database the inbox uses.</summary>
/// <remarks>
/// <para>
/// A step is one round trip: the state's write, the timeout changes, the next timeout and the history entry go in one
/// batch on the handler's transaction (read committed). Two transactions changing one instance serialize on its row:
/// the second's <c>UPDATE … WHERE version = @v</c> waits, then finds the new version and matches nothing, which becomes
/// <see cref="SagaConcurrencyException"/>; two creating it collide on the primary key (23505), which does too.
/// </para>
/// <para>Data columns are <c>jsonb</c>, so a stored document keeps its content but not its key order or spacing.</para>
/// </remarks>
public sealed class PostgreSqlSagaStore : ISagaStore, IAsyncDisposable
{
    /// <summary>The advisory lock key table creation takes ("herald_s" as a number).</summary>
    private const long CreateTablesLock = 0x68657261_6c645f73;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlSagaStatements _sql;

    /// <param name="dataSource">The inbox's database; the caller keeps owning it.</param>
    /// <param name="options">Table prefix (it may name a schema: <c>herald.</c>) and clock; <see cref="SagaStoreOptions.Default"/> when null.</param>
    public PostgreSqlSagaStore(NpgsqlDataSource dataSource, SagaStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        Options = options ?? SagaStoreOptions.Default;
        _sql = new PostgreSqlSagaStatements(Options);
    }

    /// <summary>Creates (and on disposal disposes) a data source for <paramref name="connectionString"/>.</summary>
    public PostgreSqlSagaStore(string connectionString, SagaStoreOptions? options = null)
        : this(NpgsqlDataSource.Create(connectionString), options)
    {
        _ownsDataSource = true;
    }

    public SagaStoreOptions Options { get; }

    public TimeProvider TimeProvider => Options.TimeProvider;

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        // CREATE TABLE IF NOT EXISTS races in the catalog (23505 on pg_type) when two processes start together; a
        // transaction-scoped advisory lock makes them take turns.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({CreateTablesLock});\n{_sql.CreateTables}", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SagaRecord?> LoadAsync(DbTransaction transaction, string type, string id, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.Load, Text(type), Text(id));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new SagaRecord(type, id, reader.GetString(0), reader.GetString(1), reader.GetInt64(2), NullableString(reader, 3),
            reader.GetFieldValue<DateTimeOffset>(4), reader.GetFieldValue<DateTimeOffset>(5), NullableTime(reader, 6));
    }

    public async Task<bool> HasHandledAsync(DbTransaction transaction, string type, string id, Guid eventId, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.HasHandled, Text(type), Text(id), Uuid(eventId));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task SaveAsync(DbTransaction transaction, SagaChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (connection, npgsqlTransaction) = Npgsql(transaction);
        var now = TimeProvider.GetUtcNow();
        NpgsqlParameter[] Key() => [Text(change.Type), Text(change.Id), Time(now)];
        await using var batch = new NpgsqlBatch(connection, npgsqlTransaction);
        NpgsqlBatchCommand? update = null;
        if (change.State is { } state)
        {
            NpgsqlParameter[] values = [.. Key(), Text(state.Step), Text(state.Data), Bool(state.Completed), Text(SagaJson.Names(state.ExpectedEvents))];
            if (state.ExpectedVersion == 0)
            {
                batch.BatchCommands.Add(Batched(_sql.Insert, [.. values, Text(state.CorrelationId)]));
            }
            else
            {
                update = Batched(_sql.Update, [.. values, Long(state.ExpectedVersion)]);
                batch.BatchCommands.Add(update);
            }
        }
        else if (change.FiredTimeout is not null || change.Timeouts.Count > 0)
        {
            batch.BatchCommands.Add(Batched(_sql.LockInstance, [Text(change.Type), Text(change.Id)]));
        }

        NpgsqlBatchCommand? fire = null;
        if (change.FiredTimeout is { } fired)
        {
            fire = Batched(_sql.Fire, [Uuid(fired), Time(now)]);
            batch.BatchCommands.Add(fire);
        }

        foreach (var timeout in change.Timeouts)
        {
            if (timeout.Action == SagaTimeoutAction.CancelAll)
            {
                batch.BatchCommands.Add(Batched(_sql.CancelAll, Key()));
                continue;
            }

            // Schedule first cancels the pending timeout of its type: a new one supersedes it, only the latest can fire.
            batch.BatchCommands.Add(Batched(_sql.CancelType, [.. Key(), Text(timeout.TimeoutType)]));
            if (timeout.Action == SagaTimeoutAction.Schedule)
            {
                batch.BatchCommands.Add(Batched(_sql.Schedule, [.. Key(), Text(timeout.TimeoutType), Uuid(timeout.Token!.Value), Time(timeout.DueAt!.Value), Text(timeout.Payload)]));
            }
        }

        if (change.State is not null || change.FiredTimeout is not null || change.Timeouts.Count > 0)
        {
            batch.BatchCommands.Add(Batched(_sql.NextTimeout, [Text(change.Type), Text(change.Id)]));
        }

        if (change.History is { } entry)
        {
            batch.BatchCommands.Add(Batched(_sql.AppendHistory,
            [
                .. Key(), Text(SagaJson.Kind(entry.Kind)), Text(entry.EventType), Uuid(entry.EventId), Text(entry.CausationId), Text(entry.Topic),
                Int(entry.Partition), Long(entry.Offset), Text(entry.FromStep), Text(entry.ToStep), Text(entry.DataBefore), Text(entry.DataAfter),
                Text(SagaJson.Emitted(entry.Emitted)),
            ]));
        }

        if (batch.BatchCommands.Count == 0)
        {
            return;
        }

        try
        {
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // The instance was created, or a history entry appended, by a transaction that committed first.
            throw new SagaConcurrencyException(change.Type, change.Id, change.State?.ExpectedVersion ?? 0, exception);
        }

        if (update is { RecordsAffected: 0 } || fire is { RecordsAffected: 0 })
        {
            // The version moved on, or the timeout was fired or cancelled by a transaction that committed first.
            throw new SagaConcurrencyException(change.Type, change.Id, change.State?.ExpectedVersion ?? 0);
        }
    }

    public async Task<SagaTimeoutEntry?> FindTimeoutAsync(DbTransaction transaction, Guid token, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.FindTimeout, Uuid(token));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? SagaRows.Timeout(reader, ReadTime) : null;
    }

    public async Task CancelTimeoutAsync(DbTransaction transaction, Guid token, CancellationToken cancellationToken = default)
    {
        await using var command = Command(transaction, _sql.CancelToken, Uuid(token), Time(TimeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SagaTimeoutEntry>> FindDueTimeoutsAsync(IReadOnlyCollection<string> types, DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(types);
        if (types.Count == 0)
        {
            return [];
        }

        await using var command = _dataSource.CreateCommand(_sql.DueTimeouts);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. types] });
        command.Parameters.Add(Time(now));
        command.Parameters.Add(Int(limit));
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
        await using var command = _dataSource.CreateCommand(_sql.TimeoutFailure);
        command.Parameters.Add(Uuid(token));
        command.Parameters.Add(Text(error));
        command.Parameters.Add(Time(retryAt));
        command.Parameters.Add(Time(TimeProvider.GetUtcNow()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<int> PurgeCompletedAsync(string type, DateTimeOffset completedBefore, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Purge);
        command.Parameters.Add(Text(type));
        command.Parameters.Add(Time(completedBefore));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<SagaPage> ListAsync(SagaFilter filter, CancellationToken cancellationToken = default) =>
        PostgreSqlSagaQuery.ListAsync(_dataSource, _sql, filter, TimeProvider.GetUtcNow(), cancellationToken);

    public Task<SagaInstance?> GetAsync(string type, string id, CancellationToken cancellationToken = default) =>
        PostgreSqlSagaQuery.GetAsync(_dataSource, _sql, type, id, cancellationToken);

    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private static (NpgsqlConnection Connection, NpgsqlTransaction Transaction) Npgsql(DbTransaction transaction) =>
        transaction is NpgsqlTransaction { Connection: { } connection } npgsql
            ? (connection, npgsql)
            : throw new ArgumentException($"the PostgreSQL saga store writes through an open Npgsql transaction, not a {transaction?.GetType().Name ?? "null"}", nameof(transaction));

    private static NpgsqlCommand Command(DbTransaction transaction, string sql, params NpgsqlParameter[] parameters)
    {
        var (connection, npgsql) = Npgsql(transaction);
        var command = new NpgsqlCommand(sql, connection, npgsql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlBatchCommand Batched(string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>PostgreSQL keeps times as <c>timestamptz</c>.</summary>
    internal static DateTimeOffset ReadTime(DbDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    internal static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    internal static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text };

    internal static NpgsqlParameter Uuid(Guid value) => new NpgsqlParameter<Guid> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    internal static NpgsqlParameter Time(DateTimeOffset? value) =>
        new() { Value = value is { } time ? time.ToUniversalTime() : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    internal static NpgsqlParameter Bool(bool value) => new NpgsqlParameter<bool> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Boolean };

    internal static NpgsqlParameter Int(int? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer };

    internal static NpgsqlParameter Long(long? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Bigint };
}
