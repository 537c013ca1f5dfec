using System.Data.Common;
using Herald.Outbox;
using Herald.Testing;
using Microsoft.Data.Sqlite;

namespace Herald.Tests.Outbox;

/// <summary>The outbox compliance suite over a SQLite file in a temporary folder.</summary>
public sealed class SqliteOutboxStoreTests : OutboxStoreCompliance
{
    private readonly TempSqliteFile _file = new("outbox", "app.db");

    protected override IOutboxStore NewStoreOver(OutboxOptions options) => new SqliteOutboxStore(_file.ConnectionString, options);

    protected override async Task<DbConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_file.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

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
}
