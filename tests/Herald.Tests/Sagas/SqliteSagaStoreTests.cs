using Herald.Inbox;
using Herald.Outbox;
using Herald.Sagas;
using Herald.Testing;

namespace Herald.Tests.Sagas;

/// <summary>The saga compliance suite over a SQLite file shared by the inbox, the outbox and the saga tables.</summary>
public sealed class SqliteSagaStoreTests : SagaStoreCompliance
{
    private readonly TempSqliteFile _file = new("sagas", "app.db");

    protected override Task CreateDatabaseAsync()
    {
        _file.Create();
        return Task.CompletedTask;
    }

    protected override IInboxStore NewInbox() => new SqliteInboxStore(_file.ConnectionString);

    protected override ISagaStore NewSagaStore(SagaStoreOptions options) => new SqliteSagaStore(_file.ConnectionString, options);

    protected override IOutboxStore NewOutboxStore() => new SqliteOutboxStore(_file.ConnectionString);

    protected override Task DropDatabaseAsync()
    {
        _file.Delete();
        return Task.CompletedTask;
    }

    [Fact]
    public void A_SQLite_table_prefix_cannot_name_a_schema()
    {
        Assert.Throws<ArgumentException>(() => new SqliteSagaStore(_file.ConnectionString, SagaStoreOptions.Default with { TablePrefix = "main." }));
        Assert.Throws<ArgumentException>(() => SagaStoreOptions.Default with { TablePrefix = "x; DROP TABLE y" });
    }
}
