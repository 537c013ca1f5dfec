using System.Data.Common;
using Herald.Inbox;
using Npgsql;

namespace Herald.PostgreSql;

/// <summary>A handler transaction of <see cref="PostgreSqlInboxStore"/>; disposing it without a commit rolls back.</summary>
internal sealed class PostgreSqlInboxTransaction : IInboxTransaction
{
    private readonly PostgreSqlInboxStore _store;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly string _consumerGroup;
    private NpgsqlCommand? _isProcessed;
    private NpgsqlBatch? _markProcessed;
    private bool _completed;
    private bool _disposed;

    public PostgreSqlInboxTransaction(PostgreSqlInboxStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, string consumerGroup)
    {
        _store = store;
        _connection = connection;
        _transaction = transaction;
        _consumerGroup = consumerGroup;
    }

    public DbConnection Connection => _connection;

    public DbTransaction Transaction => _transaction;

    public async Task<IReadOnlySet<Guid>> FindProcessedAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        var found = new HashSet<Guid>();
        if (eventIds.Count == 0)
        {
            return found;
        }

        await using var command = new NpgsqlCommand(_store.Sql.FindProcessed, _connection, _transaction)
        {
            Parameters = { PostgreSqlInboxStore.Text(_consumerGroup), new NpgsqlParameter<Guid[]> { TypedValue = [.. eventIds] } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            found.Add(reader.GetGuid(0));
        }

        return found;
    }

    public async Task MarkProcessedAsync(IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (eventIds.Count == 0)
        {
            return;
        }

        await using var command = new NpgsqlCommand(_store.Sql.MarkProcessedMany, _connection, _transaction)
        {
            Parameters =
            {
                PostgreSqlInboxStore.Text(_consumerGroup),
                new NpgsqlParameter<Guid[]> { TypedValue = [.. eventIds] },
                PostgreSqlInboxStore.Timestamp(_store.Now()),
            },
        };
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await _transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
            _completed = true;
            throw new InboxConflictException($"another delivery of one of {eventIds.Count} events in group '{_consumerGroup}' committed first", exception);
        }
    }

    public async Task<bool> IsProcessedAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (_isProcessed is null)
        {
            _isProcessed = new NpgsqlCommand(_store.Sql.IsProcessed, _connection, _transaction)
            {
                Parameters = { PostgreSqlInboxStore.Text(_consumerGroup), PostgreSqlInboxStore.Uuid(eventId) },
            };
            await _isProcessed.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }

        ((NpgsqlParameter<Guid>)_isProcessed.Parameters[1]).TypedValue = eventId;
        return await _isProcessed.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task MarkProcessedAsync(Guid eventId, CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        if (_markProcessed is null)
        {
            _markProcessed = new NpgsqlBatch(_connection, _transaction)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(_store.Sql.MarkProcessed)
                    {
                        Parameters = { PostgreSqlInboxStore.Text(_consumerGroup), PostgreSqlInboxStore.Uuid(eventId), PostgreSqlInboxStore.Timestamp(_store.Now()) },
                    },
                    new NpgsqlBatchCommand(_store.Sql.ForgetAttempts)
                    {
                        Parameters = { PostgreSqlInboxStore.Text(_consumerGroup), PostgreSqlInboxStore.Uuid(eventId) },
                    },
                },
            };
            await _markProcessed.PrepareAsync(cancellationToken).ConfigureAwait(false);
        }

        var insert = _markProcessed.BatchCommands[0].Parameters;
        ((NpgsqlParameter<Guid>)insert[1]).TypedValue = eventId;
        ((NpgsqlParameter<DateTimeOffset>)insert[2]).TypedValue = _store.Now();
        ((NpgsqlParameter<Guid>)_markProcessed.BatchCommands[1].Parameters[1]).TypedValue = eventId;
        try
        {
            await _markProcessed.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw await ConflictAsync(eventId, exception).ConfigureAwait(false);
        }
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfCompleted();
        try
        {
            await _transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Only reachable with deferred constraints a handler declared; the transaction is already rolled back.
            _completed = true;
            throw new InboxConflictException($"A unique constraint failed at commit in consumer group '{_consumerGroup}'; the transaction was rolled back", exception);
        }

        _completed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_isProcessed is not null)
        {
            await _isProcessed.DisposeAsync().ConfigureAwait(false);
        }

        if (_markProcessed is not null)
        {
            await _markProcessed.DisposeAsync().ConfigureAwait(false);
        }

        // NpgsqlTransaction.DisposeAsync rolls back when neither commit nor rollback ran.
        await _transaction.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<InboxConflictException> ConflictAsync(Guid eventId, PostgresException exception)
    {
        _completed = true;
        await _transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        return new InboxConflictException($"Event {eventId} was already processed by consumer group '{_consumerGroup}'; the transaction was rolled back", exception);
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
