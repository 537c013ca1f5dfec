// Publishes N UserCreated events to user-events and prints where each landed.
// Usage: dotnet run --project samples/Welcome/Welcome.Producer -- [--count N] [--bootstrap HOST:PORT]
using Herald.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Welcome.Contracts;

int count = int.Parse(Option(args, "--count") ?? "5", System.Globalization.CultureInfo.InvariantCulture);
string bootstrap = Option(args, "--bootstrap") ?? "127.0.0.1:9092";

var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddHerald(o => o.Bootstrap(bootstrap).Topic<UserCreated>(WelcomeTopics.UserEvents));
using var host = builder.Build();
var publisher = host.Services.GetRequiredService<IEventPublisher>();

// A fresh batch of users per run: each run signs up new people.
var run = Guid.NewGuid().ToString("N")[..6];
for (int i = 1; i <= count; i++)
{
    var user = new UserCreated($"user-{run}-{i}", $"person{i}@example.com");
    var landed = await publisher.PublishAsync(user);
    Console.WriteLine($"{user.UserId} -> {landed.Topic}[{landed.Partition}]@{landed.Offset} (event {landed.EventId})");
}

return 0;

static string? Option(string[] args, string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
