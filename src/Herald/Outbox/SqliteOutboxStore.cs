using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Herald.Outbox;

/// <summary>The embedded outbox: <c>herald_outbox</c> and its dead, lease and cursor tables in a SQLite file.</summary>
/// <remarks>
/// <para>
/// Rows are numbered by <c>position INTEGER PRIMARY KEY AUTOINCREMENT</c>. SQLite lets one transaction write at a time
/// and a writer keeps its lock until it commits, so a row's position order is its commit order: a relay reading
/// <c>position &gt; cursor</c> never skips a row that commits later.
/// </para>
/// <para>
/// Inserts run on the caller's connection and transaction. The relay's reads and writes use the store's own pooled
/// connections (WAL, <c>synchronous=NORMAL</c>, the connection string's busy timeout); its writes begin with
/// <c>BEGIN IMMEDIATE</c>. Timestamps are Unix milliseconds; event ids lowercase <c>D</c>-format text.
/// </para>
/// </remarks>
public sealed partial class SqliteOutboxStore : IOutboxStore, IAsyncDisposable, IDisposable
{
    private const int MaxIdleConnections = 4;
    private readonly string _connectionString;
    private readonly Statements _sql;
    private readonly ConcurrentStack<SqliteConnection> _idle = new();
    private volatile bool _disposed;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=app.db</c>: the application's database.</param>
    /// <param name="options">Table prefix and clock; <see cref="OutboxOptions.Default"/> when null.</param>
    public SqliteOutboxStore(string connectionString, OutboxOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        Options = options ?? OutboxOptions.Default;
        _sql = new Statements(Options);
    }

    public OutboxOptions Options { get; }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Use(connection =>
        {
            using var command = Command(connection, null, _sql.CreateTables);
            return command.ExecuteNonQuery();
        });
        return Task.CompletedTask;
    }

    public Task InsertAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        cancellationToken.ThrowIfCancellationRequested();
        if (transaction is not SqliteTransaction sqlite || sqlite.Connection is null)
        {
            throw new ArgumentException($"the SQLite outbox writes in a SqliteTransaction, got {transaction.GetType().Name}: enqueue in the transaction of the database the outbox was configured with", nameof(transaction));
        }

        using var command = Command(sqlite.Connection, sqlite, _sql.Insert);
        command.Parameters.AddWithValue("$id", Text(message.EventId));
        command.Parameters.AddWithValue("$topic", message.Topic);
        command.Parameters.AddWithValue("$key", (object?)message.Key ?? DBNull.Value);
        command.Parameters.AddWithValue("$type", message.EventType);
        command.Parameters.Add("$payload", SqliteType.Blob).Value = message.Payload.ToArray();
        command.Parameters.AddWithValue("$headers", OutboxHeaders.Serialize(message.Headers));
        command.Parameters.AddWithValue("$now", Now());
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public Task<bool> TryAcquireLeaseAsync(OutboxLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = Now();
        return Task.FromResult(Use(connection =>
        {
            using var command = Command(connection, null, _sql.AcquireLease);
            Bind(command, lease);
            command.Parameters.AddWithValue("$expires", now + (long)duration.TotalMilliseconds);
            command.Parameters.AddWithValue("$now", now);
            return command.ExecuteScalar() is not null;
        }));
    }

    public Task ReleaseLeaseAsync(OutboxLease lease, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Use(connection =>
        {
            using var command = Command(connection, null, _sql.ReleaseLease);
            Bind(command, lease);
            command.Parameters.AddWithValue("$now", Now());
            return command.ExecuteNonQuery();
        });
        return Task.CompletedTask;
    }

    public Task<OutboxPosition> ReadCursorAsync(string relay, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(relay);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Use(connection =>
        {
            using var command = Command(connection, null, _sql.ReadCursor);
            command.Parameters.AddWithValue("$relay", relay);
            return command.ExecuteScalar() is long position ? new OutboxPosition(0, position) : OutboxPosition.Start;
        }));
    }

    public Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxPosition after, int maxRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Use<IReadOnlyList<OutboxRecord>>(connection =>
        {
            using var command = Command(connection, null, _sql.Read);
            command.Parameters.AddWithValue("$after", after.Row);
            command.Parameters.AddWithValue("$limit", maxRows);
            using var reader = command.ExecuteReader();
            var rows = new List<OutboxRecord>();
            while (reader.Read())
            {
                var message = new OutboxMessage(
                    Guid.Parse(reader.GetString(1)),
                    reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetString(4),
                    (byte[])reader.GetValue(5),
                    OutboxHeaders.Deserialize(reader.GetString(6)));
                rows.Add(new OutboxRecord(new OutboxPosition(0, reader.GetInt64(0)), message, reader.GetInt32(8), Time(reader.GetInt64(7))));
            }

            return rows;
        }));
    }

    public Task<bool> CompleteAsync(OutboxLease lease, OutboxPosition through, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Fenced(lease, (connection, transaction) =>
        {
            using var command = Command(connection, transaction, _sql.Complete);
            command.Parameters.AddWithValue("$relay", lease.Relay);
            command.Parameters.AddWithValue("$position", through.Row);
            command.ExecuteNonQuery();
            return true;
        }, lost: false));
    }

    public Task<int?> RecordFailureAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Fenced<int?>(lease, (connection, transaction) =>
        {
            using var command = Command(connection, transaction, _sql.RecordFailure);
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$position", position.Row);
            return command.ExecuteScalar() is long attempts ? (int)attempts : null;
        }, lost: null));
    }

    public Task<bool> DeadLetterAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Fenced(lease, (connection, transaction) =>
        {
            using var command = Command(connection, transaction, _sql.DeadLetter);
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$position", position.Row);
            command.Parameters.AddWithValue("$now", Now());
            return command.ExecuteNonQuery() > 0;
        }, lost: false));
    }

    public Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var readAt = Options.TimeProvider.GetUtcNow();
        return Task.FromResult(Use(connection =>
        {
            // One read transaction: the counts, dead rows and cursors are of the same moment.
            using var transaction = connection.BeginTransaction(deferred: true);
            long backlog;
            DateTimeOffset? oldest;
            using (var command = Command(connection, transaction, _sql.Backlog))
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                backlog = reader.GetInt64(0);
                oldest = reader.IsDBNull(1) ? null : Time(reader.GetInt64(1));
            }

            long dead;
            using (var command = Command(connection, transaction, _sql.DeadCount))
            {
                dead = (long)command.ExecuteScalar()!;
            }

            var recent = new List<OutboxDeadRow>();
            using (var command = Command(connection, transaction, _sql.RecentDead))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    recent.Add(new OutboxDeadRow(
                        Guid.Parse(reader.GetString(0)),
                        reader.GetString(1),
                        reader.IsDBNull(2) ? null : reader.GetString(2),
                        reader.GetString(3),
                        reader.GetInt32(4),
                        reader.GetString(5),
                        Time(reader.GetInt64(6)),
                        Time(reader.GetInt64(7))));
                }
            }

            var relays = new List<OutboxRelayState>();
            using (var command = Command(connection, transaction, _sql.Relays))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    relays.Add(new OutboxRelayState(
                        reader.GetString(0),
                        reader.IsDBNull(1) ? null : reader.GetString(1),
                        reader.IsDBNull(2) ? null : Time(reader.GetInt64(2)),
                        reader.IsDBNull(3) ? null : new OutboxPosition(0, reader.GetInt64(3))));
                }
            }

            transaction.Commit();
            return new OutboxStatus(backlog, oldest, dead, recent, relays, readAt);
        }));
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var connection))
        {
            connection.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static string Text(Guid eventId) => eventId.ToString("D");

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void Bind(SqliteCommand command, OutboxLease lease)
    {
        command.Parameters.AddWithValue("$relay", lease.Relay);
        command.Parameters.AddWithValue("$owner", lease.Owner);
    }

    private long Now() => Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Runs <paramref name="write"/> in a <c>BEGIN IMMEDIATE</c> transaction only if the lease is still held.</summary>
    private T Fenced<T>(OutboxLease lease, Func<SqliteConnection, SqliteTransaction, T> write, T lost) => Use(connection =>
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var check = Command(connection, transaction, _sql.HoldsLease))
        {
            Bind(check, lease);
            if (check.ExecuteScalar() is null)
            {
                return lost;
            }
        }

        var result = write(connection, transaction);
        transaction.Commit();
        return result;
    });

    private T Use<T>(Func<SqliteConnection, T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = _idle.TryPop(out var idle) ? idle : Open();
        T result;
        try
        {
            result = work(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        if (_disposed || _idle.Count >= MaxIdleConnections)
        {
            connection.Dispose();
        }
        else
        {
            _idle.Push(connection);
        }

        return result;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragmas = connection.CreateCommand();

            // busy_timeout first: switching to WAL itself needs the lock another connection may hold.
            pragmas.CommandText = string.Create(CultureInfo.InvariantCulture, $"""
                PRAGMA busy_timeout = {checked(connection.DefaultTimeout * 1000)};
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = NORMAL;
                """);
            pragmas.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
