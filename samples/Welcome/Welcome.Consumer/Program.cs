// Runs SendWelcomeEmail on user-events in group welcome-email, with the SQLite inbox. Ctrl-C stops it cleanly.
// Usage: dotnet run --project samples/Welcome/Welcome.Consumer -- [--bootstrap HOST:PORT] [--database welcome.db] [--group G] [--replay]
//   --replay  deletes the group's committed offsets first, so every event is delivered again (and skipped by the inbox).
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Consuming;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Welcome.Consumer;
using Welcome.Contracts;

string bootstrap = Option(args, "--bootstrap") ?? "127.0.0.1:9092";
string database = $"Data Source={Option(args, "--database") ?? "welcome.db"}";
string group = Option(args, "--group") ?? "welcome-email";

if (args.Contains("--replay"))
{
    await ForgetOffsetsAsync(bootstrap, group);
}

await SendWelcomeEmail.EnsureTableAsync(database);
var builder = Host.CreateApplicationBuilder();
builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
builder.Services.AddHerald(o => o.Bootstrap(bootstrap).UseSqlite(database))
    .AddConsumer<SendWelcomeEmail>(WelcomeTopics.UserEvents, group);
using var host = builder.Build();

var metrics = host.Services.GetRequiredService<ConsumerMetrics>();
var log = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Welcome.Consumer");
metrics.Processed += processed =>
{
    if (processed.Outcome == "duplicate")
    {
        log.LogInformation("skipped event {EventId} at {Topic}[{Partition}]@{Offset}: group {Group} already handled it", processed.EventId, processed.Topic, processed.Partition, processed.Offset, processed.ConsumerGroup);
    }
};

// RunAsync returns after Ctrl-C (or SIGTERM) once the consumer host has committed its offsets.
await host.RunAsync();
Console.WriteLine($"handled {metrics.Handled}, duplicates skipped {metrics.DuplicatesSkipped}, dead-lettered {metrics.DeadLettered}");
return 0;

static async Task ForgetOffsetsAsync(string bootstrap, string group)
{
    using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
    try
    {
        await admin.DeleteGroupsAsync([group]);
        Console.WriteLine($"deleted group {group}: it reads user-events from the beginning again");
    }
    catch (DeleteGroupsException ex) when (ex.Results.All(r => r.Error.Code is ErrorCode.GroupIdNotFound))
    {
    }
}

static string? Option(string[] args, string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
