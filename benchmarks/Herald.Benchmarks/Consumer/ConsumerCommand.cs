using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Consuming;
using Herald.Contracts;
using Herald.Inbox;
using Herald.PostgreSql;
using Herald.Server;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Herald.Benchmarks.Consumer;

/// <summary>
/// The SDK's consumer host against a bare Confluent.Kafka loop, in one run over one topic: N enveloped events on
/// 4 partitions, then (a) a plain consume-and-deserialize loop, (b) the host with the SQLite inbox, (c) the host with
/// the PostgreSQL inbox, each in a fresh group, at each batch size; plus the inbox's database work alone, per phase.
/// </summary>
public static class ConsumerCommand
{
    private const string Topic = "bench-orders";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record Row(string Consumer, int? Batch, int Events, TimeSpan Elapsed, string? Note = null)
    {
        public double Rate => Events / Elapsed.TotalSeconds;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        int events = Argument(args, "--events", 200_000);
        int partitions = Argument(args, "--partitions", 4);
        int profileEvents = Argument(args, "--profile-events", 50_000);
        int[] batches = [.. (Option(args, "--batch") ?? "100,500").Split(',').Select(b => int.Parse(b, Inv))];
        bool postgres = !args.Contains("--no-postgres");
        var scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "herald-consumer-bench-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            await using var server = await HeraldServer.StartAsync(new HeraldServerOptions
            {
                DataDirectory = Path.Combine(scratch, "broker"),
                KafkaListen = "127.0.0.1:0",
                HttpListen = "127.0.0.1:0",
                RegistryListen = "127.0.0.1:0",
                InitialRebalanceDelayMs = 0,
                ConfigureLogging = l => l.SetMinimumLevel(LogLevel.Warning),
            });
            var bootstrap = server.KafkaBootstrap;
            var produced = await ProduceAsync(bootstrap, events, partitions);
            Console.Error.WriteLine($"produced {events:N0} events to {partitions} partitions in {produced.TotalSeconds:0.0} s");

            var rows = new List<Row> { BareLoop(bootstrap, events) };
            Console.Error.WriteLine(Describe(rows[^1]));
            foreach (var batch in batches)
            {
                var database = $"Data Source={Path.Combine(scratch, $"sqlite-{batch}.db")}";
                await using (var connection = new SqliteConnection(database))
                {
                    await connection.OpenAsync();
                    await using var create = connection.CreateCommand();
                    create.CommandText = RecordOrder.CreateTable;
                    await create.ExecuteNonQueryAsync();
                }

                rows.Add(await HostAsync("Herald host, SQLite inbox", bootstrap, events, batch, o => o.UseSqlite(database)));
                Console.Error.WriteLine(Describe(rows[^1]));
            }

            var profiles = new List<(string Store, int Batch, InboxProfile.Phases Phases)>();
            var sample = Enumerable.Range(0, profileEvents).Select(Event).ToList();
            foreach (var batch in batches)
            {
                using var inbox = new SqliteInboxStore($"Data Source={Path.Combine(scratch, $"profile-{batch}.db")}");
                await CreateTableAsync(inbox);
                profiles.Add(("SQLite", batch, await InboxProfile.RunAsync(inbox, sample, batch)));
            }

            var cluster = postgres ? await StartPostgresAsync() : null;
            foreach (var batch in batches)
            {
                if (cluster is null)
                {
                    rows.Add(new Row("Herald host, PostgreSQL inbox", batch, 0, TimeSpan.Zero,
                        postgres ? "skipped: apt-get install -y postgresql" : "skipped (--no-postgres)"));
                    continue;
                }

                var connectionString = await cluster.CreateDatabaseAsync("bench_consumer");
                await using (var dataSource = NpgsqlDataSource.Create(connectionString))
                {
                    await using var create = dataSource.CreateCommand(RecordOrder.CreateTable);
                    await create.ExecuteNonQueryAsync();
                }

                await using var inbox = new PostgreSqlInboxStore(connectionString);
                rows.Add(await HostAsync("Herald host, PostgreSQL inbox", bootstrap, events, batch, o => o.UseInbox(inbox)));
                Console.Error.WriteLine(Describe(rows[^1]));
                await using var profileInbox = new PostgreSqlInboxStore(await cluster.CreateDatabaseAsync("bench_profile"));
                await CreateTableAsync(profileInbox);
                profiles.Add(("PostgreSQL", batch, await InboxProfile.RunAsync(profileInbox, sample.Take(Math.Min(profileEvents, 20_000)).ToList(), batch)));
            }

            Console.WriteLine(Report(events, partitions, rows, profiles));
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static OrderPlaced Event(int i) => new($"order-{i}", $"customer-{i % 1000}", i % 500);

    private static async Task<TimeSpan> ProduceAsync(string bootstrap, int events, int partitions)
    {
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new TopicSpecification { Name = Topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
        }

        // The SDK's envelope, as EventPublisher writes it, without waiting for each acknowledgement.
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = bootstrap, Acks = Acks.All, LingerMs = 5 }).Build();
        var watch = Stopwatch.StartNew();
        string? error = null;
        var eventType = Encoding.UTF8.GetBytes(nameof(OrderPlaced));
        var version = "1"u8.ToArray();
        for (int i = 0; i < events; i++)
        {
            var @event = Event(i);
            var headers = new Headers
            {
                { EnvelopeHeaders.EventId, Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString()) },
                { EnvelopeHeaders.EventType, eventType },
                { EnvelopeHeaders.EventVersion, version },
                { EnvelopeHeaders.OccurredAt, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O", Inv)) },
            };
            var message = new Message<string, byte[]> { Key = @event.OrderId, Value = JsonSerializer.SerializeToUtf8Bytes(@event, Json), Headers = headers };
            while (true)
            {
                try
                {
                    producer.Produce(Topic, message, report => error ??= report.Error.IsError ? report.Error.Reason : null);
                    break;
                }
                catch (ProduceException<string, byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        producer.Flush();
        return error is null ? watch.Elapsed : throw new InvalidOperationException($"produce failed: {error}");
    }

    /// <summary>(a) Subscribe in a fresh group, consume and deserialize every payload; no database.</summary>
    private static Row BareLoop(string bootstrap, int events)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "bare-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        var watch = Stopwatch.StartNew();
        consumer.Subscribe(Topic);
        long amount = 0;
        for (int consumed = 0; consumed < events;)
        {
            var record = consumer.Consume(TimeSpan.FromSeconds(30)) ?? throw new TimeoutException($"bare loop: nothing for 30 s after {consumed:N0} events");
            amount += JsonSerializer.Deserialize<OrderPlaced>(record.Message.Value, Json)!.Amount;
            consumed++;
        }

        var elapsed = watch.Elapsed;
        consumer.Close();
        GC.KeepAlive(amount);
        return new Row("bare Confluent.Kafka loop (JSON, no DB)", null, events, elapsed);
    }

    /// <summary>(b)/(c) The consumer host in a fresh group, from StartAsync until ConsumerMetrics.Handled reaches N.</summary>
    private static async Task<Row> HostAsync(string name, string bootstrap, int events, int batch, Action<HeraldOptionsBuilder> inbox)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var group = $"host-{batch}-{Guid.NewGuid():N}";
        builder.Services.AddHerald(o =>
        {
            o.Bootstrap(bootstrap);
            inbox(o);
        }).AddConsumer<RecordOrder>(Topic, group, c => c.BatchSize(batch));
        using var host = builder.Build();
        var metrics = host.Services.GetRequiredService<ConsumerMetrics>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        metrics.Processed += _ =>
        {
            if (metrics.Handled >= events)
            {
                done.TrySetResult();
            }
        };
        var watch = Stopwatch.StartNew();
        await host.StartAsync();
        await done.Task.WaitAsync(TimeSpan.FromMinutes(10));
        var elapsed = watch.Elapsed;
        await host.StopAsync();
        var note = metrics.DuplicatesSkipped + metrics.DeadLettered + metrics.FailedAttempts > 0
            ? $"{metrics.DuplicatesSkipped} duplicates, {metrics.DeadLettered} dead letters, {metrics.FailedAttempts} failed attempts"
            : null;
        return new Row(name, batch, (int)metrics.Handled, elapsed, note);
    }

    private static async Task<PostgresCluster?> StartPostgresAsync()
    {
        try
        {
            return await PostgresCluster.Shared;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("apt-get install", StringComparison.Ordinal))
        {
            Console.Error.WriteLine(ex.Message);
            return null;
        }
    }

    private static async Task CreateTableAsync(IInboxStore inbox)
    {
        await inbox.EnsureCreatedAsync();
        await using var transaction = await inbox.BeginAsync("setup");
        await using var create = transaction.Connection.CreateCommand();
        create.Transaction = transaction.Transaction;
        create.CommandText = RecordOrder.CreateTable;
        await create.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    private static string Describe(Row row) =>
        string.Create(Inv, $"{row.Consumer}{(row.Batch is { } b ? $", batch {b}" : "")}: {row.Events:N0} events in {row.Elapsed.TotalSeconds:0.00} s = {row.Rate:N0}/s");

    private static string Report(int events, int partitions, List<Row> rows, List<(string Store, int Batch, InboxProfile.Phases Phases)> profiles)
    {
        var bare = rows[0].Rate;
        var md = new StringBuilder();
        md.AppendLine(Inv, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC — {Environment.ProcessorCount} cores, .NET {Environment.Version}, Confluent.Kafka {typeof(Library).Assembly.GetName().Version} (librdkafka {Library.VersionString}), broker in process.");
        md.AppendLine(Inv, $"{events:N0} events ({nameof(OrderPlaced)}, JSON payload of ~{JsonSerializer.SerializeToUtf8Bytes(Event(events / 2), Json).Length} B, envelope headers) on {partitions} partitions; each consumer in a fresh group from offset 0, librdkafka defaults.");
        md.AppendLine();
        md.AppendLine("| Consumer | Batch | Events | Seconds | Events/s | vs bare loop | Notes |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|---|");
        foreach (var row in rows)
        {
            md.AppendLine(row.Events == 0
                ? $"| {row.Consumer} | {row.Batch} | – | – | – | – | {row.Note} |"
                : string.Create(Inv, $"| {row.Consumer} | {row.Batch?.ToString(Inv) ?? "–"} | {row.Events:N0} | {row.Elapsed.TotalSeconds:0.00} | {row.Rate:N0} | {row.Rate / bare:P0} | {row.Note} |"));
        }

        var best = rows.Where(r => r.Consumer.Contains("SQLite", StringComparison.Ordinal) && r.Events > 0).MaxBy(r => r.Rate);
        md.AppendLine();
        if (best is not null)
        {
            md.AppendLine(Inv, $"Target: the SQLite-inbox consumer reaches ≥ 50% of the bare loop — best {best.Rate / bare:P0} (batch {best.Batch}): {(best.Rate >= bare / 2 ? "met" : "not met")}.");
            md.AppendLine();
        }

        md.AppendLine("The inbox's database work alone (no Kafka; the host's calls in its order, the same handler insert), µs per event:");
        md.AppendLine();
        md.AppendLine("| Store | Batch | Events | Events/s | record attempts | begin | is processed | handler insert | mark processed | commit | total |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var (store, batch, p) in profiles)
        {
            double Us(TimeSpan t) => t.TotalMicroseconds / p.Events;
            md.AppendLine(Inv, $"| {store} | {batch} | {p.Events:N0} | {p.EventsPerSecond:N0} | {Us(p.RecordAttempts):0.0} | {Us(p.Begin):0.0} | {Us(p.IsProcessed):0.0} | {Us(p.Handler):0.0} | {Us(p.MarkProcessed):0.0} | {Us(p.Commit):0.0} | {Us(p.Total):0.0} |");
        }

        return md.ToString();
    }

    private static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Argument(string[] args, string name, int fallback) =>
        Option(args, name) is { } value && int.TryParse(value, Inv, out var parsed) ? parsed : fallback;
}
