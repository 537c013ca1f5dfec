using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Herald.Inbox;

/// <summary>The embedded inbox: <c>processed_events</c> and <c>consumer_attempts</c> in a SQLite file.</summary>
/// <remarks>
/// <para>
/// Connections use WAL journaling with <c>synchronous=NORMAL</c>: a committed handler transaction survives a crash of
/// the process, and only an operating-system crash or power loss can lose the last few commits (then those events are
/// delivered and handled again). Handler transactions begin with <c>BEGIN IMMEDIATE</c>, so concurrent partition
/// workers take the write lock one after another and wait up to the connection string's <c>Default Timeout</c>
/// (30 s unless set) instead of failing with <c>SQLITE_BUSY</c>. Microsoft.Data.Sqlite has no asynchronous I/O: the
/// <c>Async</c> methods complete synchronously, and a <see cref="BeginAsync"/> that waits for the write lock blocks
/// its thread.
/// </para>
/// <para>
/// The store keeps a few open connections with their prepared inbox statements; handlers that change a connection's
/// settings through <see cref="IInboxTransaction.Connection"/> change them for later transactions too.
/// Timestamps are Unix milliseconds; event ids are stored as lowercase <c>D</c>-format text.
/// </para>
/// </remarks>
public sealed partial class SqliteInboxStore : IInboxStore, IAsyncDisposable, IDisposable
{
    private static readonly int MaxIdleSessions = Math.Max(4, Environment.ProcessorCount * 2);
    private readonly string _connectionString;
    private readonly Statements _statements;
    private readonly ConcurrentStack<Session> _idle = new();
    private volatile bool _disposed;

    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=app.db</c>.</param>
    /// <param name="options">Table prefix and clock; <see cref="InboxOptions.Default"/> when null.</param>
    public SqliteInboxStore(string connectionString, InboxOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        _connectionString = connectionString;
        Options = options ?? InboxOptions.Default;
        _statements = new Statements(Options);
    }

    public InboxOptions Options { get; }

    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = Rent();
        try
        {
            using var command = session.Connection.CreateCommand();
            command.CommandText = _statements.CreateTables;
            command.ExecuteNonQuery();
        }
        catch
        {
            session.Dispose();
            throw;
        }

        Return(session);
        return Task.CompletedTask;
    }

    public Task<IInboxTransaction> BeginAsync(string consumerGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        cancellationToken.ThrowIfCancellationRequested();
        var session = Rent();
        try
        {
            var transaction = session.Connection.BeginTransaction(deferred: false);
            return Task.FromResult<IInboxTransaction>(new SqliteInboxTransaction(this, session, transaction, consumerGroup));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public Task<IReadOnlyList<int>> RecordAttemptsAsync(string consumerGroup, IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(eventIds);
        cancellationToken.ThrowIfCancellationRequested();
        if (eventIds.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<int>>([]);
        }

        var session = Rent();
        var counts = new int[eventIds.Count];
        try
        {
            using (var transaction = session.Connection.BeginTransaction(deferred: false))
            {
                var command = session.RecordAttempt(transaction, consumerGroup, Now());
                for (var i = 0; i < counts.Length; i++)
                {
                    command.Parameters[Statements.EventId].Value = Text(eventIds[i]);
                    counts[i] = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                }

                transaction.Commit();
            }
        }
        catch
        {
            session.Dispose();
            throw;
        }

        Return(session);
        return Task.FromResult<IReadOnlyList<int>>(counts);
    }

    public Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var session = Rent();
        int deleted;
        try
        {
            using var transaction = session.Connection.BeginTransaction(deferred: false);
            using var command = session.Connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = _statements.Purge;
            command.Parameters.AddWithValue(Statements.Now, olderThan.ToUnixTimeMilliseconds());
            deleted = command.ExecuteNonQuery();
            transaction.Commit();
        }
        catch
        {
            session.Dispose();
            throw;
        }

        Return(session);
        return Task.FromResult(deleted);
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryPop(out var session))
        {
            session.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal long Now() => Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    internal static string Text(Guid eventId) => eventId.ToString("D");

    private Session Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _idle.TryPop(out var session) ? session : Session.Open(_connectionString, _statements);
    }

    internal void Return(Session session)
    {
        if (_disposed || session.Connection.State != System.Data.ConnectionState.Open || _idle.Count >= MaxIdleSessions)
        {
            session.Dispose();
            return;
        }

        _idle.Push(session);
        if (_disposed && _idle.TryPop(out var raced))
        {
            raced.Dispose();
        }
    }
}
