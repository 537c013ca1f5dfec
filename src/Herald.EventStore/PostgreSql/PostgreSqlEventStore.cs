using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Herald.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace Herald.EventStore.PostgreSql;

/// <summary>The event store on PostgreSQL: <c>streams</c> and <c>events</c> tables.</summary>
/// <remarks>
/// <para>
/// <b>The global feed never skips.</b> Positions come from a sequence, which commits out of order: a reader can see
/// position 11 while the append holding 10 is still running, move its checkpoint past 10 and never see it (Marten's
/// high-water-mark bug). Readers therefore stop at a <i>horizon</i> (<c>feed_horizon()</c>): the highest position
/// visible now, after waiting for every append that was running at that moment to end. Appends hold a shared advisory
/// lock (keyed by the events table name) and have a transaction id before they draw a position, so the horizon finds
/// them in <c>pg_locks</c>; once they end, every position below the head is committed or gone for good. Appends to
/// different streams run in parallel (each locks only its stream's row); readers wait milliseconds for appends in
/// flight; writers never wait for readers.
/// </para>
/// <para>
/// An append is one statement and one round trip whatever the batch size: <see cref="EnsureCreatedAsync"/> creates a
/// plpgsql function <c>append_events</c> (with the table prefix) that takes the locks, checks the stream, inserts the
/// batch from <c>unnest</c>ed arrays and updates the stream, in the statement's own transaction. With inline
/// projections the append runs in an explicit transaction that takes the advisory lock exclusively, so inline read
/// models are written in position order (appends then serialize). A rebuild's swap takes it exclusively too, to hold
/// appends back. Payloads are <c>bytea</c> (stored byte for byte), ids <c>uuid</c>, times <c>timestamptz</c> (the
/// transaction's start). Storage failures surface as <see cref="EventStoreException"/> with
/// <see cref="EventStoreException.IsTransient"/> from Npgsql; a failed append stores nothing.
/// </para>
/// </remarks>
public sealed partial class PostgreSqlEventStore : IProjectionStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private readonly string _streams;
    private readonly string _events;
    private readonly string _appendFunction;
    private readonly string _horizonFunction;
    private readonly string _sequence;
    private readonly long _lockKey;

    /// <param name="connectionString">An Npgsql connection string; the store owns the data source it builds.</param>
    /// <param name="options">Limits and table prefix (<c>schema.</c> allowed); <see cref="EventStoreOptions.Default"/> when null.</param>
    public PostgreSqlEventStore(string connectionString, EventStoreOptions? options = null)
        : this(NpgsqlDataSource.Create(KeepSessions(connectionString)), options, ownsDataSource: true)
    {
    }

    /// <param name="dataSource">The data source to use; the caller disposes it. Build it with <c>No Reset On Close=true</c>:
    /// otherwise every reuse of a pooled connection discards the server's cached plans of <c>append_events</c> and each
    /// append plans it again (the connection-string constructor does this itself; measured: ~1.8× more 1-event appends/s).</param>
    /// <param name="options">Limits and table prefix (<c>schema.</c> allowed); <see cref="EventStoreOptions.Default"/> when null.</param>
    public PostgreSqlEventStore(NpgsqlDataSource dataSource, EventStoreOptions? options = null)
        : this(dataSource, options, ownsDataSource: false)
    {
    }

    private PostgreSqlEventStore(NpgsqlDataSource dataSource, EventStoreOptions? options, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        Options = options ?? EventStoreOptions.Default;
        var prefix = AppendRules.ValidatePrefix(Options.TablePrefix, allowSchema: true);
        var dot = prefix.IndexOf('.', StringComparison.Ordinal);
        _schema = dot < 0 ? string.Empty : prefix[..dot];
        _streams = prefix + "streams";
        _events = prefix + "events";
        _appendFunction = prefix + "append_events";
        _horizonFunction = prefix + "feed_horizon";
        _sequence = prefix + "events_position";
        CheckpointTable = prefix + "checkpoints";
        _lockKey = LockKey(_events);
    }

    public EventStoreOptions Options { get; }

    public SqlDialect Dialect => SqlDialect.PostgreSql;

    public string CheckpointTable { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        var schema = _schema.Length > 0 ? $"CREATE SCHEMA IF NOT EXISTS {_schema};" : string.Empty;
        // The advisory lock keeps two concurrent EnsureCreated calls from racing on CREATE TABLE IF NOT EXISTS.
        var sql = $"""
            SELECT pg_advisory_xact_lock({_lockKey});
            {schema}
            CREATE TABLE IF NOT EXISTS {_streams} (
                stream_id text PRIMARY KEY,
                version bigint NOT NULL,
                deleted boolean NOT NULL DEFAULT false);
            CREATE TABLE IF NOT EXISTS {_events} (
                global_position bigint PRIMARY KEY,
                stream_id text NOT NULL,
                stream_version bigint NOT NULL,
                event_id uuid NOT NULL,
                event_type text NOT NULL,
                schema_version integer NOT NULL,
                data bytea NOT NULL,
                metadata bytea,
                recorded_at timestamptz NOT NULL,
                UNIQUE (stream_id, stream_version),
                UNIQUE (stream_id, event_id));
            CREATE SEQUENCE IF NOT EXISTS {_sequence};
            SELECT setval('{_sequence}', m) FROM (SELECT max(global_position) AS m FROM {_events}) h
                WHERE m > (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {_sequence});
            CREATE TABLE IF NOT EXISTS {CheckpointTable} (
                name text PRIMARY KEY,
                position bigint NOT NULL,
                status text NOT NULL,
                error text,
                failed_position bigint,
                updated_at bigint NOT NULL);
            """;
        await GuardAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(sql, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var function = new NpgsqlCommand(AppendFunctionSql, connection, transaction);
            await function.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var horizon = new NpgsqlCommand(FeedHorizonSql, connection, transaction);
            await horizon.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await ProjectionRunner.CreateInlineAsync(Options, connection, transaction, Dialect, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }).ConfigureAwait(false);
    }

    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        AppendRules.ValidateEvents(events, Options);
        return GuardAsync(() => AppendCoreAsync(streamId, expected, events, cancellationToken));
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion = 1, ReadDirection direction = ReadDirection.Forwards, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var forwards = direction == ReadDirection.Forwards;
        var sql = $"SELECT {Columns} FROM {_events} WHERE stream_id = $1 AND stream_version {(forwards ? ">=" : "<=")} $2 ORDER BY stream_version {(forwards ? "ASC" : "DESC")} LIMIT $3";
        await foreach (var e in ReadAsync(sql, [new() { Value = streamId }, new() { Value = fromVersion }, new() { Value = (long)maxCount }], cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var horizon = await GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
        if (horizon <= afterPosition || maxCount == 0)
        {
            yield break;
        }

        var sql = $"SELECT {Columns} FROM {_events} WHERE global_position > $1 AND global_position <= $3 ORDER BY global_position LIMIT $2";
        await foreach (var e in ReadAsync(sql, [new() { Value = afterPosition }, new() { Value = (long)maxCount }, new() { Value = horizon }], cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    public Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        return GuardAsync(async () =>
        {
            await using var command = _dataSource.CreateCommand($"SELECT version FROM {_streams} WHERE stream_id = $1");
            command.Parameters.Add(new() { Value = streamId });
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : 0;
        });
    }

    public Task DeleteStreamAsync(string streamId, ExpectedVersion expected, CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        return GuardAsync(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // The stream's row lock keeps appends to it out between the check and the flag, as appends lock it too.
                var (found, version, deleted) = await LockStreamAsync(connection, transaction, streamId, cancellationToken).ConfigureAwait(false);
                if (deleted)
                {
                    return true;
                }

                AppendRules.CheckExpected(streamId, expected, version);
                var sql = found
                    ? $"UPDATE {_streams} SET deleted = true WHERE stream_id = $1"
                    : $"INSERT INTO {_streams} (stream_id, version, deleted) VALUES ($1, 0, true) ON CONFLICT (stream_id) DO NOTHING";
                await using var command = new NpgsqlCommand(sql, connection, transaction);
                command.Parameters.Add(new() { Value = streamId });
                if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return true;
                }

                // A concurrent first append created the stream meanwhile: check again against what it wrote.
            }
        });
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        await GuardAsync(async () => await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    public Task<DbTransaction> BeginAsync(DbConnection connection, bool holdAppends, CancellationToken cancellationToken = default) =>
        GuardAsync<DbTransaction>(async () =>
        {
            var npgsql = (NpgsqlConnection)connection;
            var transaction = await npgsql.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            if (holdAppends)
            {
                await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({_lockKey})", npgsql, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return transaction;
        });

    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) =>
        GuardAsync(async () =>
        {
            // Not max(global_position): a position below it may still commit (see FeedHorizonSql).
            await using var command = _dataSource.CreateCommand($"SELECT {_horizonFunction}()");
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        });

    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private const string Columns = "stream_id, stream_version, global_position, event_id, event_type, schema_version, data, metadata, recorded_at";

    private async Task<AppendResult> AppendCoreAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        var ids = events.Select(e => e.EventId).ToArray();
        var sql = $"SELECT outcome, stream_version, position FROM {_appendFunction}($1, $2, $3, $4, $5, $6, $7)";
        var inline = Options.InlineProjections.Count > 0;
        // Inline projections join the append's transaction, so it becomes explicit (and holds the append lock for
        // their round trips); without them the function runs in the statement's own implicit transaction.
        await using var connection = inline ? await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false) : null;
        await using var transaction = connection is null ? null : await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (transaction is not null)
        {
            // Inline projections see appends in position order only if appends commit one at a time: take the append
            // lock exclusively (parallel appends to different streams could otherwise commit their read-model writes
            // in another order than their positions, and a rebuild would disagree with the inline result).
            await using var exclusive = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({_lockKey})", connection, transaction);
            await exclusive.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using var command = connection is null ? _dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new() { Value = streamId });
        command.Parameters.Add(new() { Value = expected.Value });
        command.Parameters.Add(new() { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = events.Select(e => e.EventType).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = events.Select(e => e.SchemaVersion).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
        command.Parameters.Add(new() { Value = events.Select(e => Bytes(e.Data)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        command.Parameters.Add(new() { Value = events.Select(e => e.Metadata is { } m ? Bytes(m) : null).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
        int outcome;
        long version;
        long position;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (outcome, version, position) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        catch (PostgresException exception) when (exception.SqlState == StoredIdsSqlState)
        {
            (outcome, version, position) = (AppendOutcome.MixedBatch, 0, 0);
        }

        if (outcome == AppendOutcome.Appended && transaction is not null)
        {
            await ApplyInlineAsync(transaction, streamId, events, version, cancellationToken).ConfigureAwait(false);
        }

        switch (outcome)
        {
            case AppendOutcome.Appended or AppendOutcome.AlreadyStored:
                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }

                return new AppendResult(version, position);
            case AppendOutcome.Deleted:
                throw new StreamDeletedException(streamId);
            case AppendOutcome.WrongVersion:
                throw new WrongExpectedVersionException(streamId, expected, version);
            default:
                // Only some ids were stored; events are never removed, so reading them again names the same ones.
                var stored = new Dictionary<Guid, (long, long)>();
                await using (var find = _dataSource.CreateCommand($"SELECT event_id, stream_version, global_position FROM {_events} WHERE stream_id = $1 AND event_id = ANY($2)"))
                {
                    find.Parameters.Add(new() { Value = streamId });
                    find.Parameters.Add(new() { Value = ids, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
                    await using var reader = await find.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        stored[reader.GetGuid(0)] = (reader.GetInt64(1), reader.GetInt64(2));
                    }
                }

                // Throws the mixed-batch error; a concurrent re-append may have stored the rest meanwhile, which is success.
                return AppendRules.Idempotent(streamId, events, stored)
                    ?? throw new EventStoreException($"stream '{streamId}': the append matched stored events that are no longer there");
        }
    }

    // Reads back the positions and time the function gave the batch, in the same transaction.
    private async Task ApplyInlineAsync(NpgsqlTransaction transaction, string streamId, IReadOnlyList<EventData> events, long lastVersion, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        var recorded = new RecordedEvent[events.Count];
        await using (var read = new NpgsqlCommand($"SELECT global_position, recorded_at FROM {_events} WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version", connection, transaction))
        {
            read.Parameters.Add(new() { Value = streamId });
            read.Parameters.Add(new() { Value = lastVersion - events.Count });
            await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < events.Count && await reader.ReadAsync(cancellationToken).ConfigureAwait(false); i++)
            {
                var e = events[i];
                recorded[i] = new RecordedEvent(streamId, lastVersion - events.Count + 1 + i, reader.GetInt64(0), e.EventId, e.EventType, e.SchemaVersion, e.Data, e.Metadata, reader.GetFieldValue<DateTimeOffset>(1));
            }
        }

        await ProjectionRunner.ApplyInlineAsync(Options, connection, transaction, Dialect, recorded, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(bool Found, long Version, bool Deleted)> LockStreamAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string streamId, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(new($"SELECT pg_advisory_xact_lock_shared({_lockKey})"));
        batch.BatchCommands.Add(new($"SELECT version, deleted FROM {_streams} WHERE stream_id = $1 FOR UPDATE") { Parameters = { new() { Value = streamId } } });
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (true, reader.GetInt64(0), reader.GetBoolean(1)) : (false, 0L, false);
    }

    private async IAsyncEnumerable<RecordedEvent> ReadAsync(string sql, NpgsqlParameter[] parameters, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        NpgsqlConnection connection;
        NpgsqlCommand command;
        NpgsqlDataReader reader;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            command = new NpgsqlCommand(sql, connection);
            command.Parameters.AddRange(parameters);
            reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw Storage(exception);
        }

        await using (connection.ConfigureAwait(false))
        await using (command.ConfigureAwait(false))
        await using (reader.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        yield break;
                    }
                }
                catch (NpgsqlException exception)
                {
                    throw Storage(exception);
                }

                yield return ToEvent(reader);
            }
        }
    }

    private static RecordedEvent ToEvent(NpgsqlDataReader reader)
    {
        var streamId = reader.IsDBNull(0) ? "?" : reader.GetString(0);
        var version = reader.IsDBNull(1) ? -1 : reader.GetInt64(1);
        if (reader.IsDBNull(4))
        {
            throw new CorruptEventException(streamId, version, "the event type is missing");
        }

        if (reader.IsDBNull(6))
        {
            throw new CorruptEventException(streamId, version, "the payload is missing");
        }

        if (reader.IsDBNull(2) || reader.IsDBNull(3) || reader.IsDBNull(5) || reader.IsDBNull(8))
        {
            throw new CorruptEventException(streamId, version, "the position, event id, schema version or timestamp is missing");
        }

        try
        {
            return new RecordedEvent(
                streamId,
                version,
                reader.GetInt64(2),
                reader.GetGuid(3),
                reader.GetString(4),
                reader.GetInt32(5),
                reader.GetFieldValue<byte[]>(6),
                reader.IsDBNull(7) ? null : (ReadOnlyMemory<byte>?)reader.GetFieldValue<byte[]>(7),
                reader.GetFieldValue<DateTimeOffset>(8));
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
        {
            throw new CorruptEventException(streamId, version, exception.Message, exception);
        }
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw Storage(exception);
        }
    }

    private static EventStoreException Storage(NpgsqlException exception) =>
        new($"PostgreSQL failed: {exception.Message}", exception, exception.IsTransient);

    private static byte[] Bytes(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length ? segment.Array : memory.ToArray();

    // The store changes no session state, and the DISCARD ALL that Npgsql sends when a pooled connection is reused
    // would also throw away the server's cached plans of append_events: every append would plan it afresh.
    private static string KeepSessions(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;

    // FNV-1a of the table name: stores over different tables in one database do not serialize each other.
    private static long LockKey(string table)
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var c in table)
        {
            hash = (hash ^ c) * 0x100000001b3UL;
        }

        return (long)hash;
    }
}
