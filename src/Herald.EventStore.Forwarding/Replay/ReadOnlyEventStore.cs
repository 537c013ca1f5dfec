using Herald.EventStore.PostgreSql;
using Herald.EventStore.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.EventStore.Forwarding.Replay;

/// <summary>
/// Event stores whose connections the database itself keeps from writing: what replays and status reports read with,
/// so a bug or a wrong flag cannot touch the events.
/// </summary>
/// <remarks>
/// SQLite connections open the file with <c>Mode=ReadOnly</c> (SQLITE_OPEN_READONLY); PostgreSQL sessions start with
/// <c>default_transaction_read_only=on</c> (the startup <c>Options</c>), so every statement runs in a read-only
/// transaction and an <c>INSERT</c> fails with <c>cannot execute INSERT in a read-only transaction</c>. Reads, the head
/// position and the checkpoints table work as usual; appends, deletes and <c>EnsureCreatedAsync</c> throw
/// <see cref="EventStoreException"/>.
/// </remarks>
public static class ReadOnlyEventStore
{
    /// <summary>A SQLite store over <paramref name="connectionString"/> opened read-only.</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string to an existing file.</param>
    /// <param name="options">Table prefix and limits, as the writer uses them.</param>
    public static SqliteEventStore Sqlite(string connectionString, EventStoreOptions? options = null) =>
        new(SqliteConnectionString(connectionString), options);

    /// <summary>A PostgreSQL store whose sessions are read-only; dispose it to close its connections.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="options">Table prefix and limits, as the writer uses them.</param>
    public static PostgreSqlEventStore PostgreSql(string connectionString, EventStoreOptions? options = null) =>
        new(PostgreSqlConnectionString(connectionString), options);

    /// <summary><paramref name="connectionString"/> with <c>Mode=ReadOnly</c> (a missing file is an error, never created).</summary>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string.</param>
    public static string SqliteConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly }.ConnectionString;
    }

    /// <summary><paramref name="connectionString"/> with <c>-c default_transaction_read_only=on</c> added to the session options.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    public static string PostgreSqlConnectionString(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Later -c settings win, so this one goes last, after anything the caller put in Options.
        builder.Options = $"{builder.Options} -c default_transaction_read_only=on".Trim();
        return builder.ConnectionString;
    }
}
