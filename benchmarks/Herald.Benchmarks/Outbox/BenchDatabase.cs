using System.Data.Common;
using Herald.Outbox;
using Herald.PostgreSql;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Herald.Benchmarks.Outbox;

/// <summary>The databases the relay parts run on.</summary>
public enum BenchDatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// A fresh application database for one scenario, with its outbox store and the writers' connections, set up the way an
/// application would: SQLite in WAL with <c>synchronous=NORMAL</c> (what the SDK's own stores use), PostgreSQL with
/// <c>synchronous_commit=on</c> for every session (the private cluster defaults to off).
/// </summary>
internal abstract class BenchDatabase : IAsyncDisposable
{
    /// <summary>What the report calls it.</summary>
    public abstract string Name { get; }

    /// <summary>The outbox in this database.</summary>
    public abstract IOutboxStore Outbox { get; }

    /// <summary>Opens a writer connection.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Starts a write transaction on a writer connection.</summary>
    public abstract Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public static async Task<BenchDatabase> CreateAsync(BenchDatabaseKind kind, string scratch, Func<Task<PostgresCluster>> cluster, CancellationToken cancellationToken)
    {
        BenchDatabase database = kind switch
        {
            BenchDatabaseKind.Sqlite => new SqliteDatabase(Path.Combine(scratch, $"outbox-{Guid.NewGuid():N}.db")),
            _ => new PostgreSqlDatabase(SynchronousCommit(await (await cluster().ConfigureAwait(false)).CreateDatabaseAsync("bench_outbox").ConfigureAwait(false))),
        };
        await database.Outbox.EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        return database;
    }

    /// <summary>The connection string with <c>synchronous_commit=on</c> for every session: a commit waits for its WAL write, as in production.</summary>
    public static string SynchronousCommit(string connectionString) => connectionString + ";Options=-c synchronous_commit=on";

    private sealed class SqliteDatabase(string path) : BenchDatabase
    {
        private readonly string _connectionString = $"Data Source={path}";
        private SqliteOutboxStore? _outbox;

        public override string Name => "SQLite";

        public override IOutboxStore Outbox => _outbox ??= new SqliteOutboxStore(_connectionString);

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
        {
            var connection = new SqliteConnection(_connectionString);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }

        // BEGIN IMMEDIATE: the writer takes the write lock at once, as the order service does.
        public override Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
            Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

        public override ValueTask DisposeAsync()
        {
            _outbox?.Dispose();
            SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgreSqlDatabase(string connectionString) : BenchDatabase
    {
        private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);
        private PostgreSqlOutboxStore? _outbox;

        public override string Name => "PostgreSQL";

        public override IOutboxStore Outbox => _outbox ??= new PostgreSqlOutboxStore(_dataSource);

        public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
            await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

        public override async Task<DbTransaction> BeginAsync(DbConnection connection, CancellationToken cancellationToken) =>
            await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        public override async ValueTask DisposeAsync()
        {
            if (_outbox is not null)
            {
                await _outbox.DisposeAsync().ConfigureAwait(false);
            }

            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
