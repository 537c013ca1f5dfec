using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Herald.Inbox;

/// <summary>A handler transaction of <see cref="SqliteInboxStore"/>; disposing it without a commit rolls back.</summary>
internal sealed class SqliteInboxTransaction : IInboxTransaction
{
    private const int SqliteConstraint = 19;
    private readonly SqliteInboxStore _store;
    private readonly SqliteInboxStore.Session _session;
    private readonly SqliteTransaction _transaction;
    private readonly string _consumerGroup;
    private bool _completed;
    private bool _disposed;

    public SqliteInboxTransaction(SqliteInboxStore store, SqliteInboxStore.Session session, SqliteTransaction transaction, string consumerGroup)
    {
        _store = store;
        _session = session;
        _transaction = transaction;
        _consumerGroup = consumerGroup;
    }

    public DbConnection Connection => _session.Connection;

    public DbTransaction Transaction => _transaction;

    public Task<bool> IsProcessedAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        var command = _session.IsProcessed(_transaction, _consumerGroup, SqliteInboxStore.Text(eventId));
        return command.ExecuteScalar() is null ? Task.FromResult(false) : Task.FromResult(true);
    }

    public Task MarkProcessedAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _session.MarkProcessed(_transaction, _consumerGroup, SqliteInboxStore.Text(eventId), _store.Now()).ExecuteNonQuery();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            throw Conflict(eventId, exception);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<Guid>> FindProcessedAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        var found = new HashSet<Guid>();
        if (eventIds.Count == 0)
        {
            return Task.FromResult<IReadOnlySet<Guid>>(found);
        }

        var command = _session.FindProcessed(_transaction, _consumerGroup, eventIds);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            found.Add(Guid.Parse(reader.GetString(0)));
        }

        return Task.FromResult<IReadOnlySet<Guid>>(found);
    }

    public Task MarkProcessedAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        if (eventIds.Count == 0)
        {
            return Task.CompletedTask;
        }

        try
        {
            _session.MarkProcessedMany(_transaction, _consumerGroup, eventIds, _store.Now()).ExecuteNonQuery();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            throw Conflict(null, exception);
        }

        return Task.CompletedTask;
    }

    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            _transaction.Commit();
        }
        catch (SqliteException exception) when (exception.SqliteErrorCode == SqliteConstraint)
        {
            throw Conflict(null, exception);
        }

        _completed = true;
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return ValueTask.CompletedTask;
        }

        _disposed = true;
        var reusable = true;
        try
        {
            // SqliteTransaction.Dispose rolls back when neither Commit nor Rollback ran.
            _transaction.Dispose();
        }
        catch (SqliteException)
        {
            reusable = false;
        }

        if (reusable)
        {
            _store.Return(_session);
        }
        else
        {
            _session.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private InboxConflictException Conflict(Guid? eventId, SqliteException exception)
    {
        _completed = true;
        try
        {
            _transaction.Rollback();
        }
        catch (SqliteException)
        {
            // SQLite already ended the transaction; its effects are gone either way.
        }

        var what = eventId is { } id ? $"Event {id}" : "An event of this transaction";
        return new InboxConflictException($"{what} was already processed by consumer group '{_consumerGroup}'; the transaction was rolled back", exception);
    }

    private void ThrowIfCompleted()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The inbox transaction was already committed or rolled back.");
        }
    }
}
