using System.Diagnostics;
using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace Herald.Cli.Tests.EndToEnd;

/// <summary>`herald serve` as a real process, killed with SIGKILL: every acknowledged record must be there after a restart.</summary>
[Trait("Category", "EndToEnd")]
public sealed partial class KillNineTests
{
    [GeneratedRegex(@"kafka (\S+:\d+)")]
    private static partial Regex KafkaAddress();

    private static async Task<(Process Process, string Bootstrap)> StartServeAsync(string data)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "herald.dll"), "serve", "--data", data, "--kafka", "127.0.0.1:0", "--registry", "127.0.0.1:0", "--http", "127.0.0.1:0" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        var readLine = process.StandardOutput.ReadLineAsync();
        var line = await readLine.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.NotNull(line);
        return (process, KafkaAddress().Match(line!).Groups[1].Value);
    }

    [Fact]
    public async Task Records_acknowledged_with_acks_all_survive_kill_9()
    {
        var data = Path.Combine(Path.GetTempPath(), "herald-kill9-" + Guid.NewGuid().ToString("N"));
        const string topic = "kill9";
        var acknowledged = new List<string>();

        var (serve, bootstrap) = await StartServeAsync(data);
        try
        {
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 2 }).Build();
            for (int i = 0; i < 3000; i++)
            {
                var value = $"record-{i}";
                producer.Produce(topic, new Message<string, string> { Key = $"k{i % 5}", Value = value }, report =>
                {
                    if (report.Status == PersistenceStatus.Persisted)
                    {
                        lock (acknowledged)
                        {
                            acknowledged.Add(report.Message.Value);
                        }
                    }
                });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }
        finally
        {
            // SIGKILL: no shutdown hook, no flush.
            serve.Kill();
            await serve.WaitForExitAsync();
        }

        Assert.Equal(3000, acknowledged.Count);
        var (restarted, bootstrap2) = await StartServeAsync(data);
        try
        {
            using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
            {
                BootstrapServers = bootstrap2,
                GroupId = "kill9-check",
                AutoOffsetReset = AutoOffsetReset.Earliest,
                EnableAutoCommit = false,
            }).Build();
            consumer.Subscribe(topic);
            var seen = new HashSet<string>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (seen.Count < acknowledged.Count && DateTime.UtcNow < deadline)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is not null)
                {
                    seen.Add(result.Message.Value);
                }
            }

            Assert.Empty(acknowledged.Except(seen));
            consumer.Close();
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}
