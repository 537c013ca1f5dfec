// Usage: Herald.Tests.CrashProducer <bootstrap> <sqlite|postgresql> <connection string> <topic> <events>
// Writes <events> orders and their OrderPlaced events in one transaction, then dies by SIGKILL the moment it commits.
using System.Data.Common;
using System.Diagnostics;
using Herald;
using Herald.Contracts;
using Herald.Outbox;
using Herald.Publishing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

var (bootstrap, engine, database, topic, count) = (args[0], args[1], args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddHerald(o =>
{
    // A short lease: the test's fresh relay takes over once the killed holder's lease expired.
    o.Bootstrap(bootstrap).Topic<OrderPlaced>(topic).Outbox(r => r with { LeaseDuration = TimeSpan.FromSeconds(2) });
    if (engine == "sqlite")
    {
        o.UseSqlite(database);
    }
    else
    {
        o.UsePostgreSql(database);
    }
});
using var host = builder.Build();
await host.StartAsync();

await using DbConnection connection = engine == "sqlite" ? new SqliteConnection(database) : new NpgsqlConnection(database);
await connection.OpenAsync();
await using (var create = connection.CreateCommand())
{
    create.CommandText = "CREATE TABLE IF NOT EXISTS orders (order_id TEXT NOT NULL)";
    await create.ExecuteNonQueryAsync();
}

var outbox = host.Services.GetRequiredService<IOutbox>();
await using var transaction = await connection.BeginTransactionAsync();
for (var i = 0; i < count; i++)
{
    await using var insert = connection.CreateCommand();
    insert.Transaction = transaction;
    insert.CommandText = $"INSERT INTO orders (order_id) VALUES ('order-{i}')";
    await insert.ExecuteNonQueryAsync();
    await outbox.EnqueueAsync(new OrderPlaced($"order-{i % 3}", i), transaction, new PublishContext());
}

await transaction.CommitAsync();

// Committed; the relay has not had the time to publish. SIGKILL now: no shutdown hook, no flush.
Process.GetCurrentProcess().Kill();

[EventContract("OrderPlaced")]
internal sealed record OrderPlaced([property: PartitionKey] string OrderId, int Sequence, string Note = "");
