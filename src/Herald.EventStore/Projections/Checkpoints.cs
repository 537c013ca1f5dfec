using System.Data.Common;

namespace Herald.EventStore.Projections;

/// <summary>
/// Durable positions of projections and subscriptions (forwarders), in the store's checkpoints table, written in the
/// same transaction as the work they record so a crash can never separate the two.
/// </summary>
public sealed class Checkpoints
{
    private readonly IProjectionStore _store;

    /// <param name="store">The store whose database holds the checkpoints.</param>
    public Checkpoints(IProjectionStore store)
    {
        _store = store;
    }

    /// <summary>Reads a checkpoint (position 0, running, when there is none yet).</summary>
    /// <param name="name">The projection or subscription name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<ProjectionStatus> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await ReadAsync(connection, null, name, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every checkpoint, by name.</summary>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task<IReadOnlyList<ProjectionStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name, position, status, error, failed_position FROM {_store.CheckpointTable} ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ProjectionStatus>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(ToStatus(reader));
        }

        return list;
    }

    /// <summary>Clears a pause so the daemon runs the projection again from its checkpoint (after the code was fixed).</summary>
    /// <param name="name">The projection name.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public async Task ResumeAsync(string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _store.BeginAsync(connection, holdAppends: false, cancellationToken).ConfigureAwait(false);
        var current = await ReadAsync(connection, transaction, name, forUpdate: true, cancellationToken).ConfigureAwait(false);
        await WriteAsync(connection, transaction, current with { State = ProjectionState.Running, Error = null, FailedPosition = null }, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the checkpoint row at position 0 if there is none, so it can always be locked.</summary>
    internal async Task EnsureAsync(DbConnection connection, DbTransaction transaction, string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {_store.CheckpointTable} (name, position, status, updated_at) VALUES (@name, 0, 'running', @at) ON CONFLICT (name) DO NOTHING";
        ProjectionContext.AddParameter(command, "@name", name);
        ProjectionContext.AddParameter(command, "@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a checkpoint inside <paramref name="transaction"/>; on PostgreSQL with <paramref name="forUpdate"/>, locks its row until the transaction ends.</summary>
    internal async Task<ProjectionStatus> ReadAsync(DbConnection connection, DbTransaction? transaction, string name, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var lockClause = forUpdate && _store.Dialect == SqlDialect.PostgreSql ? " FOR UPDATE" : string.Empty;
        command.CommandText = $"SELECT name, position, status, error, failed_position FROM {_store.CheckpointTable} WHERE name = @name{lockClause}";
        ProjectionContext.AddParameter(command, "@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ToStatus(reader) : new ProjectionStatus(name, 0, ProjectionState.Running, null, null);
    }

    /// <summary>Writes a checkpoint inside <paramref name="transaction"/>.</summary>
    internal async Task WriteAsync(DbConnection connection, DbTransaction transaction, ProjectionStatus status, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            INSERT INTO {_store.CheckpointTable} (name, position, status, error, failed_position, updated_at)
            VALUES (@name, @position, @status, @error, @failed, @at)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, status = excluded.status, error = excluded.error,
                failed_position = excluded.failed_position, updated_at = excluded.updated_at
            """;
        ProjectionContext.AddParameter(command, "@name", status.Name);
        ProjectionContext.AddParameter(command, "@position", status.Position);
        ProjectionContext.AddParameter(command, "@status", status.State == ProjectionState.Paused ? "paused" : "running");
        ProjectionContext.AddParameter(command, "@error", status.Error);
        ProjectionContext.AddParameter(command, "@failed", status.FailedPosition);
        ProjectionContext.AddParameter(command, "@at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static ProjectionStatus ToStatus(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        reader.GetString(2) == "paused" ? ProjectionState.Paused : ProjectionState.Running,
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetInt64(4));
}

/// <summary>Where a projection or subscription stands.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Position">The last global position it has fully handled.</param>
/// <param name="State">Running, or paused by a failing event.</param>
/// <param name="Error">Why it paused.</param>
/// <param name="FailedPosition">The position of the event it failed on.</param>
public sealed record ProjectionStatus(string Name, long Position, ProjectionState State, string? Error, long? FailedPosition);

/// <summary>Whether a projection is applying events.</summary>
public enum ProjectionState
{
    /// <summary>Applying events from its checkpoint on.</summary>
    Running,

    /// <summary>Stopped at <see cref="ProjectionStatus.FailedPosition"/> until resumed; never skips the event.</summary>
    Paused,
}
