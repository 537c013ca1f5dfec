// Usage: Herald.Tests.CrashConsumer <bootstrap> <sqlite connection string> <topic> <group> <kill-after-handled (0 = never)>
using System.Diagnostics;
using Herald.Consuming;
using Herald.Contracts;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var (bootstrap, database, topic, group, killAfter) = (args[0], args[1], args[2], args[3], int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture));
await using (var connection = new SqliteConnection(database))
{
    await connection.OpenAsync();
    await using var create = connection.CreateCommand();
    create.CommandText = "CREATE TABLE IF NOT EXISTS welcomes (user_id TEXT NOT NULL)";
    await create.ExecuteNonQueryAsync();
}

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddHerald(o => o.Bootstrap(bootstrap).UseSqlite(database)).AddConsumer<Welcome>(topic, group);
using var host = builder.Build();
int handled = 0;
host.Services.GetRequiredService<ConsumerMetrics>().Processed += processed =>
{
    if (processed.Outcome == "handled" && killAfter > 0 && Interlocked.Increment(ref handled) >= killAfter)
    {
        // The inbox transaction is committed; the offset is not. SIGKILL now: no shutdown hook runs.
        Process.GetCurrentProcess().Kill();
    }
};
await host.RunAsync();

[EventContract("UserSignedUp")]
internal sealed record UserSignedUp([property: PartitionKey] string UserId);

internal sealed class Welcome : IEventHandler<UserSignedUp>
{
    public async Task HandleAsync(UserSignedUp @event, EventContext context, CancellationToken cancellationToken)
    {
        await using var command = context.Connection.CreateCommand();
        command.Transaction = context.Transaction;
        command.CommandText = "INSERT INTO welcomes (user_id) VALUES ($user)";
        var user = command.CreateParameter();
        user.ParameterName = "$user";
        user.Value = @event.UserId;
        command.Parameters.Add(user);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
