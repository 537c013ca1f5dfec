using System.Data.Common;

namespace Herald.EventStore.Projections;

/// <summary>What a projection writes with: a connection, the open transaction, the SQL dialect and its tables' names.</summary>
public sealed class ProjectionContext
{
    private readonly IReadOnlyDictionary<string, string>? _tables;

    internal ProjectionContext(DbConnection connection, DbTransaction transaction, SqlDialect dialect, IReadOnlyDictionary<string, string>? tables, IDictionary<object, object>? items = null)
    {
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
        _tables = tables;
        Items = items ?? new Dictionary<object, object>();
    }

    /// <summary>
    /// State that lives as long as the run: across every batch of one rebuild (e.g. a cache of what the projection
    /// wrote into its fresh tables, which nobody else writes), or just this call otherwise.
    /// </summary>
    public IDictionary<object, object> Items { get; }

    /// <summary>The open connection (to the event store's database).</summary>
    public DbConnection Connection { get; }

    /// <summary>The transaction the writes must join: the append's (inline), the checkpoint's (async) or the rebuild's.</summary>
    public DbTransaction Transaction { get; }

    /// <summary>Which SQL the connection speaks.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>True while rebuilding into fresh tables.</summary>
    public bool IsRebuild => _tables is not null;

    /// <summary>The physical name of the logical table <paramref name="name"/>: itself, or its fresh copy during a rebuild.</summary>
    public string Table(string name) => _tables is null ? name
        : _tables.TryGetValue(name, out var physical) ? physical
        : throw new InvalidOperationException($"table '{name}' is not in the projection's Tables list, so a rebuild would not recreate it");

    /// <summary>A command on <see cref="Connection"/> inside <see cref="Transaction"/>.</summary>
    public DbCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = sql;
        return command;
    }

    /// <summary>Adds a named parameter (<c>@name</c> in the SQL; both dialects accept it).</summary>
    public static DbParameter AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}

/// <summary>The SQL dialect of a store's database.</summary>
public enum SqlDialect
{
    /// <summary>SQLite (Microsoft.Data.Sqlite).</summary>
    Sqlite,

    /// <summary>PostgreSQL (Npgsql).</summary>
    PostgreSql,
}
