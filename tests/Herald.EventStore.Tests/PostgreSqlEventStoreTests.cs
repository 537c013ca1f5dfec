using Herald.EventStore.PostgreSql;
using Herald.Testing;
using Npgsql;

namespace Herald.EventStore.Tests;

/// <summary>The compliance suite over a fresh database of the shared test PostgreSQL cluster.</summary>
public sealed class PostgreSqlEventStoreTests : EventStoreCompliance
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("no database yet");

    protected override IEventStore NewStoreOver(EventStoreOptions options) => new PostgreSqlEventStore(ConnectionString, options);

    protected override async Task CreateDatabaseAsync()
    {
        var cluster = await PostgresCluster.Shared;
        _connectionString = await cluster.CreateDatabaseAsync("es");
    }

    // Each test's database stays until the cluster stops at the end of the run.
    protected override Task DropDatabaseAsync() => Task.CompletedTask;

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    // The schema says NOT NULL; a damaged row is simulated by lifting the constraint first.
    protected override string CorruptPayloadSql(string streamId, long version) =>
        $"ALTER TABLE events ALTER COLUMN data DROP NOT NULL; UPDATE events SET data = NULL WHERE stream_id = '{streamId}' AND stream_version = {version}";

    protected override string CorruptEventTypeSql(string streamId, long version) =>
        $"ALTER TABLE events ALTER COLUMN event_type DROP NOT NULL; UPDATE events SET event_type = NULL WHERE stream_id = '{streamId}' AND stream_version = {version}";

    [Fact]
    public async Task An_unreachable_server_is_a_transient_EventStoreException()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Port = FreePort(), Timeout = 2 };
        await using var store = new PostgreSqlEventStore(builder.ConnectionString);
        var exception = await Assert.ThrowsAsync<EventStoreException>(() => store.AppendAsync("s", ExpectedVersion.Any, [Event()]));
        Assert.True(exception.IsTransient);
        Assert.IsAssignableFrom<NpgsqlException>(exception.InnerException);
    }

    [Fact]
    public async Task A_connection_the_server_killed_is_a_transient_EventStoreException()
    {
        await Store.AppendAsync("s", ExpectedVersion.Any, Enumerable.Range(0, 5).Select(_ => Event()).ToList());
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var store = new PostgreSqlEventStore(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync();
        var pid = connection.ProcessID;
        await connection.CloseAsync();
        await ExecuteSqlAsync($"SELECT pg_terminate_backend({pid})");
        var exception = await Assert.ThrowsAsync<EventStoreException>(async () => await store.ReadAllAsync().CountAsync());
        Assert.True(exception.IsTransient, exception.ToString());
    }

    [Fact]
    public async Task A_schema_prefix_creates_the_schema()
    {
        var store = NewStoreOver(Options with { TablePrefix = "es." });
        await store.EnsureCreatedAsync();
        await store.EnsureCreatedAsync();
        await store.AppendAsync("s", ExpectedVersion.NoStream, [Event()]);
        Assert.Equal(1, await store.GetStreamVersionAsync("s"));
        Assert.Equal(0, await Store.GetStreamVersionAsync("s"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
