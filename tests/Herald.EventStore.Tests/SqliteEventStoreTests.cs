using Herald.Testing;
using Herald.EventStore.Sqlite;
using Microsoft.Data.Sqlite;

namespace Herald.EventStore.Tests;

/// <summary>The compliance suite over a SQLite file in a temporary folder.</summary>
public sealed class SqliteEventStoreTests : EventStoreCompliance
{
    private readonly TempSqliteFile _file = new("es", "events.db");

    private string ConnectionString => _file.ConnectionString;

    protected override IEventStore NewStoreOver(EventStoreOptions options) => new SqliteEventStore(ConnectionString, options);

    protected override Task CreateDatabaseAsync()
    {
        _file.Create();
        return Task.CompletedTask;
    }

    protected override Task DropDatabaseAsync()
    {
        _file.Delete();
        return Task.CompletedTask;
    }

    protected override async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    // SQLite keeps NOT NULL, so damage the row the way a bad copy or a hand edit would: a payload that is not a blob.
    protected override string CorruptPayloadSql(string streamId, long version) =>
        $"UPDATE events SET data = 42 WHERE stream_id = '{streamId}' AND stream_version = {version}";

    protected override string CorruptEventTypeSql(string streamId, long version) =>
        $"UPDATE events SET event_type = x'00ff' WHERE stream_id = '{streamId}' AND stream_version = {version}";

    [Fact]
    public async Task Connections_use_WAL_with_synchronous_NORMAL()
    {
        await Store.AppendAsync("pragmas", ExpectedVersion.Any, [Event()]);
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_table_prefix_names_both_tables_and_must_be_an_identifier()
    {
        var store = NewStoreOver(Options with { TablePrefix = "orders_" });
        await store.EnsureCreatedAsync();
        await store.AppendAsync("s", ExpectedVersion.NoStream, [Event()]);
        Assert.Equal(1, await store.GetStreamVersionAsync("s"));
        Assert.Equal(0, await Store.GetStreamVersionAsync("s"));
        Assert.Throws<ArgumentException>(() => NewStoreOver(Options with { TablePrefix = "x; DROP TABLE events; --" }));
        Assert.Throws<ArgumentException>(() => NewStoreOver(Options with { TablePrefix = "main." }));
    }
}
