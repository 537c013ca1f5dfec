using Herald.EventStore.Forwarding.Replay;
using Herald.EventStore.PostgreSql;
using Herald.EventStore.Projections;
using Herald.Testing;
using Npgsql;

namespace Herald.EventStore.Forwarding.Tests;

/// <summary>Forwarding and replay over a fresh database of the shared test PostgreSQL cluster.</summary>
public sealed class PostgreSqlForwardingTests : ForwardingCompliance
{
    private string? _connectionString;

    protected override string WritableConnectionString => _connectionString ?? throw new InvalidOperationException("no database yet");

    protected override string ReadOnlyConnectionString => ReadOnlyEventStore.PostgreSqlConnectionString(WritableConnectionString);

    protected override async Task<IProjectionStore> CreateStoreAsync()
    {
        var cluster = await PostgresCluster.Shared;
        _connectionString = await cluster.CreateDatabaseAsync("fwd");
        return new PostgreSqlEventStore(_connectionString);
    }

    // Each test's database stays until the cluster stops at the end of the run.
    protected override Task DropDatabaseAsync() => Task.CompletedTask;

    protected override FeedReplayer NewReplayer() => FeedReplayer.ForPostgreSql(WritableConnectionString);

    protected override async Task InsertEventDirectlyAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, schema_version, data, recorded_at) VALUES (1000, 'direct', 1, '{Guid.NewGuid()}', 'Direct', 1, '\\x7b7d', now())",
            connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Read_only_sessions_keep_options_the_caller_set()
    {
        var builder = new NpgsqlConnectionStringBuilder(WritableConnectionString) { Options = "-c statement_timeout=12345" };
        await using var connection = new NpgsqlConnection(ReadOnlyEventStore.PostgreSqlConnectionString(builder.ConnectionString));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_setting('statement_timeout') || ' ' || current_setting('transaction_read_only')", connection);

        Assert.Equal("12345ms on", await command.ExecuteScalarAsync());
    }
}
