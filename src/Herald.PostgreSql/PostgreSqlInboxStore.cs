using Herald.Inbox;
using Npgsql;
using NpgsqlTypes;

namespace Herald.PostgreSql;

/// <summary>The inbox in PostgreSQL: <c>processed_events</c> and <c>consumer_attempts</c> next to the handlers' tables.</summary>
/// <remarks>
/// <para>
/// Handler transactions run at the data source's default isolation (read committed). When two deliveries of one event
/// race, the second <c>INSERT</c> into <c>processed_events</c> waits for the first transaction and fails with a unique
/// violation (23505) once it commits; that becomes <see cref="InboxConflictException"/> and the loser rolls back.
/// </para>
/// <para>
/// Inbox statements are prepared on each physical connection the first time it runs them; Npgsql keeps them across
/// pooled opens. Timestamps come from <see cref="InboxOptions.TimeProvider"/>, not the server clock.
/// </para>
/// </remarks>
public sealed class PostgreSqlInboxStore : IInboxStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <param name="dataSource">Where the inbox tables live; the caller keeps owning it.</param>
    /// <param name="options">Table prefix (it may name a schema: <c>herald.</c>) and clock; <see cref="InboxOptions.Default"/> when null.</param>
    public PostgreSqlInboxStore(NpgsqlDataSource dataSource, InboxOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        Options = options ?? InboxOptions.Default;
        Sql = new PostgreSqlInboxStatements(Options);
    }

    /// <summary>Creates (and on disposal disposes) a data source for <paramref name="connectionString"/>.</summary>
    public PostgreSqlInboxStore(string connectionString, InboxOptions? options = null)
        : this(NpgsqlDataSource.Create(connectionString), options)
    {
        _ownsDataSource = true;
    }

    public InboxOptions Options { get; }

    internal PostgreSqlInboxStatements Sql { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand(Sql.CreateTables);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IInboxTransaction> BeginAsync(string consumerGroup, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            return new PostgreSqlInboxTransaction(this, connection, transaction, consumerGroup);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<IReadOnlyList<int>> RecordAttemptsAsync(string consumerGroup, IReadOnlyList<Guid> eventIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerGroup);
        ArgumentNullException.ThrowIfNull(eventIds);
        if (eventIds.Count == 0)
        {
            return [];
        }

        // Row locks taken in event-id order: two overlapping batches cannot deadlock each other.
        var order = Enumerable.Range(0, eventIds.Count).OrderBy(i => eventIds[i]).ToArray();
        var now = Now();
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        // One round trip; without an explicit transaction PostgreSQL runs the whole batch in one implicit transaction.
        await using var batch = new NpgsqlBatch(connection);
        foreach (var i in order)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.RecordAttempt)
            {
                Parameters = { Text(consumerGroup), Uuid(eventIds[i]), Timestamp(now) },
            });
        }

        var counts = new int[eventIds.Count];
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        foreach (var i in order)
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            counts[i] = reader.GetInt32(0);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        }

        return counts;
    }

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        await using var batch = _dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.PurgeProcessed) { Parameters = { Timestamp(olderThan) } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Sql.PurgeAttempts) { Parameters = { Timestamp(olderThan) } });
        return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _ownsDataSource ? _dataSource.DisposeAsync() : ValueTask.CompletedTask;

    internal DateTimeOffset Now() => Options.TimeProvider.GetUtcNow();

    internal static NpgsqlParameter<string> Text(string value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Text };

    internal static NpgsqlParameter<Guid> Uuid(Guid value) => new() { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Uuid };

    internal static NpgsqlParameter<DateTimeOffset> Timestamp(DateTimeOffset value) =>
        new() { TypedValue = value.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz };
}
