using System.Data.Common;
using Herald.Outbox;
using Herald.PostgreSql;
using Herald.Testing;
using Npgsql;

namespace Herald.Tests.Outbox;

/// <summary>The outbox compliance suite over a fresh database of the shared test PostgreSQL cluster.</summary>
public sealed class PostgreSqlOutboxStoreTests : OutboxStoreCompliance
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("no database yet");

    protected override IOutboxStore NewStoreOver(OutboxOptions options) => new PostgreSqlOutboxStore(ConnectionString, options);

    protected override async Task<DbConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    protected override async Task CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.Shared;
        _connectionString = await cluster.CreateDatabaseAsync("outbox");
    }

    // Each test's database stays until the cluster stops at the end of the run.
    protected override Task DropDatabaseAsync() => Task.CompletedTask;
}
