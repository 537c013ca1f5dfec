using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Herald.EventStore.Projections;
using Microsoft.Data.Sqlite;

namespace Herald.EventStore.Sqlite;

/// <summary>The embedded event store: <c>streams</c> and <c>events</c> in a SQLite file.</summary>
/// <remarks>
/// <para>
/// Connections use WAL journaling with <c>synchronous=NORMAL</c> and a busy timeout, so concurrent appenders wait for
/// the write lock instead of failing. Appends run in <c>BEGIN IMMEDIATE</c> transactions: SQLite has one writer at a
/// time, so global positions (the <c>INTEGER PRIMARY KEY AUTOINCREMENT</c>) are assigned and committed in order and
/// the global feed can never show position N before every position below N.
/// </para>
/// <para>
/// Event ids are stored as lowercase <c>D</c>-format text and timestamps as Unix milliseconds. Microsoft.Data.Sqlite
/// has no asynchronous I/O: the <c>Async</c> methods complete synchronously.
/// </para>
/// </remarks>
public sealed class SqliteEventStore : IProjectionStore
{
    private const int BusyTimeoutMilliseconds = 30_000;

    // Reads of the feed map the file instead of copying every page through read(2); 1 GiB is address space, not memory.
    private const long MmapBytes = 1L << 30;
    private readonly string _connectionString;
    private readonly string _streams;
    private readonly string _events;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=events.db</c>.</param>
    /// <param name="options">Limits and table prefix; <see cref="EventStoreOptions.Default"/> when null.</param>
    public SqliteEventStore(string connectionString, EventStoreOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        Options = options ?? EventStoreOptions.Default;
        var prefix = AppendRules.ValidatePrefix(Options.TablePrefix, allowSchema: false);
        _streams = prefix + "streams";
        _events = prefix + "events";
        CheckpointTable = prefix + "checkpoints";
    }

    public EventStoreOptions Options { get; }

    public SqlDialect Dialect => SqlDialect.Sqlite;

    public string CheckpointTable { get; }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GuardAsync(async () =>
        {
            await using var connection = Open();
            await using var transaction = connection.BeginTransaction(deferred: false);
            Execute(connection, transaction, $"""
                CREATE TABLE IF NOT EXISTS {_streams} (
                    stream_id TEXT NOT NULL PRIMARY KEY,
                    version INTEGER NOT NULL,
                    deleted INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE IF NOT EXISTS {_events} (
                    global_position INTEGER PRIMARY KEY AUTOINCREMENT,
                    stream_id TEXT NOT NULL,
                    stream_version INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    event_type TEXT NOT NULL,
                    schema_version INTEGER NOT NULL,
                    data BLOB NOT NULL,
                    metadata BLOB,
                    recorded_at INTEGER NOT NULL,
                    UNIQUE (stream_id, stream_version),
                    UNIQUE (stream_id, event_id));
                CREATE TABLE IF NOT EXISTS {CheckpointTable} (
                    name TEXT NOT NULL PRIMARY KEY,
                    position INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    error TEXT,
                    failed_position INTEGER,
                    updated_at INTEGER NOT NULL);
                """);
            await ProjectionRunner.CreateInlineAsync(Options, connection, transaction, Dialect, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            return true;
        });
    }

    public Task<AppendResult> AppendAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        AppendRules.ValidateEvents(events, Options);
        cancellationToken.ThrowIfCancellationRequested();
        return GuardAsync(() => AppendCoreAsync(streamId, expected, events, cancellationToken));
    }

    public async IAsyncEnumerable<RecordedEvent> ReadStreamAsync(string streamId, long fromVersion = 1, ReadDirection direction = ReadDirection.Forwards, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var forwards = direction == ReadDirection.Forwards;
        var sql = $"SELECT {Columns} FROM {_events} WHERE stream_id = $stream AND stream_version {(forwards ? ">=" : "<=")} $from ORDER BY stream_version {(forwards ? "ASC" : "DESC")} LIMIT $max";
        await foreach (var e in ReadAsync(sql, c =>
        {
            c.Parameters.AddWithValue("$stream", streamId);
            c.Parameters.AddWithValue("$from", fromVersion);
            c.Parameters.AddWithValue("$max", maxCount);
        }, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    public async IAsyncEnumerable<RecordedEvent> ReadAllAsync(long afterPosition = 0, int maxCount = int.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var sql = $"SELECT {Columns} FROM {_events} WHERE global_position > $after ORDER BY global_position LIMIT $max";
        void Bind(SqliteCommand c)
        {
            c.Parameters.AddWithValue("$after", afterPosition);
            c.Parameters.AddWithValue("$max", maxCount);
        }

        await foreach (var e in ReadAsync(sql, Bind, cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    public Task<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        cancellationToken.ThrowIfCancellationRequested();
        return GuardAsync(() =>
        {
            using var connection = Open();
            return Task.FromResult(ReadStream(connection, null, streamId).Version);
        });
    }

    public Task DeleteStreamAsync(string streamId, ExpectedVersion expected, CancellationToken cancellationToken = default)
    {
        AppendRules.ValidateStreamId(streamId, Options);
        cancellationToken.ThrowIfCancellationRequested();
        return GuardAsync(() =>
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            var (version, deleted) = ReadStream(connection, transaction, streamId);
            if (deleted)
            {
                return Task.FromResult(true);
            }

            AppendRules.CheckExpected(streamId, expected, version);
            using var command = Command(connection, transaction, $"INSERT INTO {_streams} (stream_id, version, deleted) VALUES ($stream, $version, 1) ON CONFLICT (stream_id) DO UPDATE SET deleted = 1");
            command.Parameters.AddWithValue("$stream", streamId);
            command.Parameters.AddWithValue("$version", version);
            command.ExecuteNonQuery();
            transaction.Commit();
            return Task.FromResult(true);
        });
    }

    private const string Columns = "stream_id, stream_version, global_position, event_id, event_type, schema_version, data, metadata, recorded_at";

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await GuardAsync(() => Task.FromResult<DbConnection>(Open())).ConfigureAwait(false);
    }

    // SQLite has one writer: BEGIN IMMEDIATE holds appends back whether asked to or not.
    public Task<DbTransaction> BeginAsync(DbConnection connection, bool holdAppends, CancellationToken cancellationToken = default) =>
        GuardAsync(() => Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false)));

    public Task<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return GuardAsync(() =>
        {
            using var connection = Open();
            using var command = Command(connection, null, $"SELECT coalesce(max(global_position), 0) FROM {_events}");
            return Task.FromResult((long)command.ExecuteScalar()!);
        });
    }

    private async Task<AppendResult> AppendCoreAsync(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        await using var connection = Open();
        // BEGIN IMMEDIATE takes the write lock now, so the version read below cannot change before the insert.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var (version, deleted) = ReadStream(connection, transaction, streamId);
        if (deleted)
        {
            throw new StreamDeletedException(streamId);
        }

        var stored = new Dictionary<Guid, (long, long)>();
        // A stream with no events cannot hold any of the ids; otherwise one query looks them all up.
        if (version > 0 && events.Count > 0)
        {
            using var find = Command(connection, transaction, $"SELECT event_id, stream_version, global_position FROM {_events} WHERE stream_id = $stream AND event_id IN (SELECT value FROM json_each($ids))");
            find.Parameters.AddWithValue("$stream", streamId);
            find.Parameters.AddWithValue("$ids", "[" + string.Join(',', events.Select(e => "\"" + Text(e.EventId) + "\"")) + "]");
            using var reader = find.ExecuteReader();
            while (reader.Read())
            {
                if (Guid.TryParseExact(reader.GetString(0), "D", out var storedId))
                {
                    stored[storedId] = (reader.GetInt64(1), reader.GetInt64(2));
                }
            }
        }

        if (AppendRules.Idempotent(streamId, events, stored) is { } again)
        {
            return again;
        }

        AppendRules.CheckExpected(streamId, expected, version);
        if (events.Count == 0)
        {
            return new AppendResult(version, LastPosition(connection, transaction, streamId));
        }

        long position = 0;
        var inline = Options.InlineProjections.Count > 0 ? new List<RecordedEvent>(events.Count) : null;
        var recordedAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        using (var insert = Command(connection, transaction, $"""
            INSERT INTO {_events} (stream_id, stream_version, event_id, event_type, schema_version, data, metadata, recorded_at)
            VALUES ($stream, $version, $id, $type, $schema, $data, $metadata, $at) RETURNING global_position
            """))
        {
            insert.Parameters.AddWithValue("$stream", streamId);
            insert.Parameters.AddWithValue("$at", recordedAt.ToUnixTimeMilliseconds());
            var versionParameter = insert.Parameters.Add("$version", SqliteType.Integer);
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var type = insert.Parameters.Add("$type", SqliteType.Text);
            var schema = insert.Parameters.Add("$schema", SqliteType.Integer);
            var data = insert.Parameters.Add("$data", SqliteType.Blob);
            var metadata = insert.Parameters.Add("$metadata", SqliteType.Blob);
            foreach (var e in events)
            {
                versionParameter.Value = ++version;
                id.Value = Text(e.EventId);
                type.Value = e.EventType;
                schema.Value = e.SchemaVersion;
                data.Value = e.Data.ToArray();
                metadata.Value = e.Metadata is { } m ? m.ToArray() : DBNull.Value;
                position = (long)insert.ExecuteScalar()!;
                inline?.Add(new RecordedEvent(streamId, version, position, e.EventId, e.EventType, e.SchemaVersion, e.Data, e.Metadata, recordedAt));
            }
        }

        using (var upsert = Command(connection, transaction, $"INSERT INTO {_streams} (stream_id, version, deleted) VALUES ($stream, $version, 0) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version"))
        {
            upsert.Parameters.AddWithValue("$stream", streamId);
            upsert.Parameters.AddWithValue("$version", version);
            upsert.ExecuteNonQuery();
        }

        if (inline is not null)
        {
            await ProjectionRunner.ApplyInlineAsync(Options, connection, transaction, Dialect, inline, cancellationToken).ConfigureAwait(false);
        }

        transaction.Commit();
        return new AppendResult(version, position);
    }

    // The first rows of a read are decoded on the caller's thread (small reads pay no thread hop); past this many, a
    // background task decodes the rest in chunks while the caller works on the previous chunk.
    private const int ReadAheadAfter = 256;
    private const int ReadAheadChunk = 256;

    /// <summary>
    /// Runs a query and yields its events. SQLite decodes in the caller's process (no server core works for it, unlike
    /// PostgreSQL), so a long read hands its reader to a task that steps and decodes ahead into a small bounded channel.
    /// Order, errors (after every row before them) and cancellation are the same either way.
    /// </summary>
    private async IAsyncEnumerable<RecordedEvent> ReadAsync(string sql, Action<SqliteCommand> bind, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SqliteConnection connection;
        SqliteCommand command;
        SqliteDataReader reader;
        try
        {
            connection = Open();
            command = Command(connection, null, sql);
            bind(command);
            reader = command.ExecuteReader();
        }
        catch (SqliteException exception)
        {
            throw Storage(exception);
        }

        Task? producer = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            for (var row = 0; row < ReadAheadAfter; row++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!Step(reader))
                {
                    yield break;
                }

                yield return ToEvent(reader);
            }

            var channel = Channel.CreateBounded<RecordedEvent[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
            producer = Task.Run(() => ReadAheadAsync(reader, channel.Writer, stop.Token), CancellationToken.None);
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var chunk))
                {
                    foreach (var e in chunk)
                    {
                        yield return e;
                    }
                }
            }
        }
        finally
        {
            if (producer is not null)
            {
                // The caller stopped early or failed: stop the task before its reader is disposed under it.
                await stop.CancelAsync().ConfigureAwait(false);
                await producer.ConfigureAwait(false);
            }

            await reader.DisposeAsync().ConfigureAwait(false);
            await command.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task ReadAheadAsync(SqliteDataReader reader, ChannelWriter<RecordedEvent[]> writer, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        var chunk = new List<RecordedEvent>(ReadAheadChunk);
        try
        {
            while (!cancellationToken.IsCancellationRequested && Step(reader))
            {
                chunk.Add(ToEvent(reader));
                if (chunk.Count == ReadAheadChunk)
                {
                    await writer.WriteAsync([.. chunk], cancellationToken).ConfigureAwait(false);
                    chunk.Clear();
                }
            }

            // The rows before a failure are delivered before it.
            if (chunk.Count > 0)
            {
                await writer.WriteAsync([.. chunk], cancellationToken).ConfigureAwait(false);
                chunk.Clear();
            }
        }
        catch (Exception exception)
        {
            failure = exception;
            if (chunk.Count > 0 && exception is not OperationCanceledException)
            {
                try
                {
                    await writer.WriteAsync([.. chunk], cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The caller is gone; nobody is left to read the rows or the error.
                }
            }
        }
        finally
        {
            writer.TryComplete(failure);
        }
    }

    private static bool Step(SqliteDataReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (SqliteException exception)
        {
            throw Storage(exception);
        }
    }

    private static RecordedEvent ToEvent(SqliteDataReader reader)
    {
        var streamId = reader.IsDBNull(0) ? "?" : reader.GetString(0);
        var version = reader.IsDBNull(1) ? -1 : reader.GetInt64(1);
        try
        {
            if (reader.IsDBNull(4) || reader.GetFieldType(4) != typeof(string))
            {
                throw new CorruptEventException(streamId, version, "the event type is missing");
            }

            if (reader.IsDBNull(6) || reader.GetFieldType(6) != typeof(byte[]))
            {
                throw new CorruptEventException(streamId, version, "the payload is missing or not a blob");
            }

            if (reader.IsDBNull(3) || !Guid.TryParseExact(reader.GetString(3), "D", out var eventId))
            {
                throw new CorruptEventException(streamId, version, "the event id is not a GUID");
            }

            return new RecordedEvent(
                streamId,
                version,
                reader.GetInt64(2),
                eventId,
                reader.GetString(4),
                reader.GetInt32(5),
                reader.GetFieldValue<byte[]>(6),
                reader.IsDBNull(7) ? null : (ReadOnlyMemory<byte>?)reader.GetFieldValue<byte[]>(7),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)));
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException or SqliteException)
        {
            throw new CorruptEventException(streamId, version, exception.Message, exception);
        }
    }

    private (long Version, bool Deleted) ReadStream(SqliteConnection connection, SqliteTransaction? transaction, string streamId)
    {
        using var command = Command(connection, transaction, $"SELECT version, deleted FROM {_streams} WHERE stream_id = $stream");
        command.Parameters.AddWithValue("$stream", streamId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1) != 0) : (0, false);
    }

    private long LastPosition(SqliteConnection connection, SqliteTransaction transaction, string streamId)
    {
        using var command = Command(connection, transaction, $"SELECT coalesce(max(global_position), 0) FROM {_events} WHERE stream_id = $stream");
        command.Parameters.AddWithValue("$stream", streamId);
        return (long)command.ExecuteScalar()!;
    }

    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> Configured = new();
    private static readonly object Marker = new();

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            // Pooled connections keep their SQLite handle, and these settings live on the handle: set them once per handle.
            if (!Configured.TryGetValue(connection.Handle!, out _))
            {
                Execute(connection, null, $"PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout={BusyTimeoutMilliseconds}; PRAGMA cache_size=-16384;");
                Configured.AddOrUpdate(connection.Handle!, Marker);
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static async Task<T> GuardAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw Storage(exception);
        }
    }

    // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN: another writer, the disk or the file may recover.
    private static EventStoreException Storage(SqliteException exception) =>
        new($"SQLite failed: {exception.Message}", exception, isTransient: exception.SqliteErrorCode is 5 or 6 or 10 or 13 or 14);

    private static string Text(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
