using System.Data.Common;
using Herald.Outbox;
using Npgsql;
using NpgsqlTypes;

namespace Herald.PostgreSql;

/// <summary>The transactional outbox in PostgreSQL: <c>herald_outbox</c> and its dead, lease and cursor tables next to the application's.</summary>
/// <remarks>
/// <para>
/// Each row carries the id of the transaction that wrote it (<c>tx_id xid8 DEFAULT pg_current_xact_id()</c>) and an
/// identity <c>position</c>. The relay reads in <c>(tx_id, position)</c> order, and only rows whose transaction is
/// older than every transaction still running (<c>tx_id &lt; pg_snapshot_xmin(pg_current_snapshot())</c>). An
/// identity value is visible before its transaction commits, so a plain <c>position &gt; cursor</c> read would skip a
/// row whose transaction started first and committed last; the horizon waits for it instead.
/// </para>
/// <para>
/// The horizon is cluster-wide: one long-running transaction anywhere on the server holds the relay back until it ends.
/// Published rows are deleted in the same statement that moves the relay's cursor.
/// </para>
/// </remarks>
public sealed class PostgreSqlOutboxStore : IOutboxStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlOutboxStatements _sql;

    /// <param name="dataSource">The application's database; the caller keeps owning it.</param>
    /// <param name="options">Table prefix (it may name a schema: <c>herald.</c>) and clock; <see cref="OutboxOptions.Default"/> when null.</param>
    public PostgreSqlOutboxStore(NpgsqlDataSource dataSource, OutboxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        Options = options ?? OutboxOptions.Default;
        _sql = new PostgreSqlOutboxStatements(Options);
    }

    /// <summary>Creates (and on disposal disposes) a data source for <paramref name="connectionString"/>.</summary>
    public PostgreSqlOutboxStore(string connectionString, OutboxOptions? options = null)
        : this(NpgsqlDataSource.Create(connectionString), options)
    {
        _ownsDataSource = true;
    }

    public OutboxOptions Options { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.CreateTables);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task InsertAsync(OutboxMessage message, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(transaction);
        if (transaction is not NpgsqlTransaction npgsql || npgsql.Connection is null)
        {
            throw new ArgumentException($"the PostgreSQL outbox writes in an NpgsqlTransaction, got {transaction.GetType().Name}: enqueue in the transaction of the database the outbox was configured with", nameof(transaction));
        }

        await using var command = new NpgsqlCommand(_sql.Insert, npgsql.Connection, npgsql)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid> { TypedValue = message.EventId, NpgsqlDbType = NpgsqlDbType.Uuid },
                Text(message.Topic),
                new NpgsqlParameter { Value = (object?)message.Key ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                Text(message.EventType),
                new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = message.Payload, NpgsqlDbType = NpgsqlDbType.Bytea },
                Text(OutboxHeaders.Serialize(message.Headers)),
                Timestamp(Now()),
            },
        };
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> TryAcquireLeaseAsync(OutboxLease lease, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = Now();
        await using var command = _dataSource.CreateCommand(_sql.AcquireLease);
        command.Parameters.Add(Text(lease.Relay));
        command.Parameters.Add(Text(lease.Owner));
        command.Parameters.Add(Timestamp(now + duration));
        command.Parameters.Add(Timestamp(now));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    public async Task ReleaseLeaseAsync(OutboxLease lease, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.ReleaseLease);
        command.Parameters.Add(Text(lease.Relay));
        command.Parameters.Add(Text(lease.Owner));
        command.Parameters.Add(Timestamp(Now()));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxPosition> ReadCursorAsync(string relay, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(relay);
        await using var command = _dataSource.CreateCommand(_sql.ReadCursor);
        command.Parameters.Add(Text(relay));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new OutboxPosition(reader.GetFieldValue<ulong>(0), reader.GetInt64(1))
            : OutboxPosition.Start;
    }

    public async Task<IReadOnlyList<OutboxRecord>> ReadAsync(OutboxPosition after, int maxRows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRows);
        await using var command = _dataSource.CreateCommand(_sql.Read);
        command.Parameters.Add(Xid8(after.Transaction));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after.Row, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxRows, NpgsqlDbType = NpgsqlDbType.Integer });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<OutboxRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var message = new OutboxMessage(
                reader.GetGuid(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5),
                reader.GetFieldValue<byte[]>(6),
                OutboxHeaders.Deserialize(reader.GetString(7)));
            rows.Add(new OutboxRecord(
                new OutboxPosition(reader.GetFieldValue<ulong>(1), reader.GetInt64(0)),
                message,
                reader.GetInt32(9),
                reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return rows;
    }

    public async Task<bool> CompleteAsync(OutboxLease lease, OutboxPosition through, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(_sql.Complete);
        command.Parameters.Add(Text(lease.Relay));
        command.Parameters.Add(Text(lease.Owner));
        command.Parameters.Add(Xid8(through.Transaction));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = through.Row, NpgsqlDbType = NpgsqlDbType.Bigint });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! > 0;
    }

    public async Task<int?> RecordFailureAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        await using var command = _dataSource.CreateCommand(_sql.RecordFailure);
        command.Parameters.Add(Text(lease.Relay));
        command.Parameters.Add(Text(lease.Owner));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Row, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(Text(error));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int attempts ? attempts : null;
    }

    public async Task<bool> DeadLetterAsync(OutboxLease lease, OutboxPosition position, string error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        await using var command = _dataSource.CreateCommand(_sql.DeadLetter);
        command.Parameters.Add(Text(lease.Relay));
        command.Parameters.Add(Text(lease.Owner));
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = position.Row, NpgsqlDbType = NpgsqlDbType.Bigint });
        command.Parameters.Add(Text(error));
        command.Parameters.Add(Timestamp(Now()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<OutboxStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var readAt = Now();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One snapshot for all four reads: the counts, dead rows and cursors are of the same moment.
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(_sql.Backlog),
                new NpgsqlBatchCommand(_sql.DeadCount),
                new NpgsqlBatchCommand(_sql.RecentDead),
                new NpgsqlBatchCommand(_sql.Relays),
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var backlog = reader.GetInt64(0);
        DateTimeOffset? oldest = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var dead = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var recent = new List<OutboxDeadRow>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            recent.Add(new OutboxDeadRow(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3),
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var relays = new List<OutboxRelayState>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            relays.Add(new OutboxRelayState(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : new OutboxPosition(reader.GetFieldValue<ulong>(3), reader.GetInt64(4))));
        }

        return new OutboxStatus(backlog, oldest, dead, recent, relays, readAt);
    }

    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    private DateTimeOffset Now() => Options.TimeProvider.GetUtcNow();

    private static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    private static NpgsqlParameter<ulong> Xid8(ulong value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Xid8 };

    private static NpgsqlParameter<DateTimeOffset> Timestamp(DateTimeOffset value) =>
        new() { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
