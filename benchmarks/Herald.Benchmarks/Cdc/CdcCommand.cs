using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Cdc.Connector;
using Herald.Testing;
using Npgsql;

namespace Herald.Benchmarks.Cdc;

/// <summary>
/// CDC capture end to end against a private PostgreSQL and an in-process Herald broker:
/// snapshot rate (existing rows to acknowledged <c>r</c> records), streaming rate (one bulk INSERT of N rows, from its
/// commit until the broker acknowledged every record) and commit-to-consumer latency at a fixed row rate.
/// </summary>
public static class CdcCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = Argument(args, "--rows", 200_000);
        var rate = Argument(args, "--rate", 1000);
        var seconds = Argument(args, "--seconds", 10);
        StatusInterval = TimeSpan.FromMilliseconds(Argument(args, "--status-interval-ms", 1000));
        var skipThroughput = args.Contains("--latency-only");
        var cluster = await PostgresCluster.Shared;
        await using var broker = await TestBroker.StartAsync(TestBroker.NewDataDirectory());
        string version;
        await using (var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString("postgres")))
        {
            await using var command = dataSource.CreateCommand("SELECT current_setting('server_version') || ', fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit')");
            version = (string)(await command.ExecuteScalarAsync())!;
        }

        Console.WriteLine($"PostgreSQL {version}; Herald broker in-process; {Environment.ProcessorCount} cores");
        if (!skipThroughput)
        {
            await SnapshotAndStreamAsync(cluster, broker.KafkaBootstrap, rows);
        }

        await LatencyAsync(cluster, broker.KafkaBootstrap, rate, seconds);
        return 0;
    }

    private const string Table = "CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, status text NOT NULL, total numeric(10,2) NOT NULL, created timestamptz NOT NULL DEFAULT now())";

    private static string InsertRows(long from, long to) =>
        $"INSERT INTO orders (id, customer, status, total) SELECT g, 'customer-' || (g % 1000), 'new', (g % 10000) / 100.0 FROM generate_series({from}, {to}) g";

    private static async Task SnapshotAndStreamAsync(PostgresCluster cluster, string bootstrap, int rows)
    {
        var cs = await cluster.CreateDatabaseAsync("bench_cdc");
        await ExecuteAsync(cs, Table);
        await ExecuteAsync(cs, InsertRows(1, rows));
        var connector = new CdcConnector(Options(cs, bootstrap, "snap"));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var run = connector.RunAsync(stop.Token);
        await connector.Ready;
        var snapshot = clock.Elapsed;
        Report("snapshot", rows, snapshot);

        await ExecuteAsync(cs, InsertRows(rows + 1, 2L * rows));
        clock.Restart();
        while (connector.Status.RecordsAcknowledged < 2L * rows)
        {
            await Task.Delay(5);
        }

        Report("streaming (one INSERT of N rows)", rows, clock.Elapsed);
        await stop.CancelAsync();
        await run;
    }

    private static async Task LatencyAsync(PostgresCluster cluster, string bootstrap, int rate, int seconds)
    {
        var cs = await cluster.CreateDatabaseAsync("bench_cdc");
        await ExecuteAsync(cs, Table);
        var options = Options(cs, bootstrap, "lat");
        var connector = new CdcConnector(options);
        using var stop = new CancellationTokenSource();
        var run = connector.RunAsync(stop.Token);
        await connector.Ready;

        // One extra second at the same rate first: JIT, pools and the consumer's first fetches settle (not measured).
        var warmup = rate;
        var total = rate * seconds + warmup;
        var committedAt = new long[total + 1];
        var receivedAt = new long[total + 1];
        var consumer = Task.Run(() => Consume(bootstrap, $"{options.TopicPrefix}.public.orders", receivedAt, total, stop.Token));

        // Splits the latency: the connector's acknowledged-record count reaches id when row id's record is durable
        // on the broker (one record per row, in commit order); sampled every millisecond or so.
        var ackedAt = new long[total + 1];
        var sampler = Task.Run(() =>
        {
            long seen = 0;
            while (seen < total + 1 && !stop.IsCancellationRequested)
            {
                var acknowledged = connector.Status.RecordsAcknowledged;
                var now = Stopwatch.GetTimestamp();
                for (; seen < acknowledged && seen <= total; seen++)
                {
                    ackedAt[seen] = now;
                }

                Thread.Sleep(1);
            }
        });

        // Warm-up row: creates the topic and lets the consumer join before measuring.
        await ExecuteAsync(cs, InsertRows(0, 0));
        while (Volatile.Read(ref receivedAt[0]) == 0)
        {
            await Task.Delay(10);
        }

        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();

            // The private cluster runs with synchronous_commit=off, where the WAL writer flushes only every
            // wal_writer_delay (200 ms) and the walsender decodes flushed WAL only; production commits flush at once.
            await using (var synchronous = new NpgsqlCommand("SET synchronous_commit = on", connection))
            {
                await synchronous.ExecuteNonQueryAsync();
            }

            var clock = Stopwatch.StartNew();
            for (var id = 1; id <= total; id++)
            {
                var due = TimeSpan.FromSeconds((id - 1) / (double)rate);
                // Sleep, never spin: on 2 cores a spinning sender takes the CPU that PostgreSQL's walsender, the
                // connector and the broker need, and shows up as capture latency. A late row goes out at once.
                while (clock.Elapsed < due)
                {
                    await Task.Delay(1);
                }

                await using var insert = new NpgsqlCommand($"INSERT INTO orders (id, customer, status, total) VALUES ({id}, 'c', 'new', 1.00)", connection);
                await insert.ExecuteNonQueryAsync();
                committedAt[id] = Stopwatch.GetTimestamp();
            }

            Console.WriteLine($"latency: sent {total:N0} rows ({warmup:N0} warm-up) in {clock.Elapsed.TotalSeconds:0.0} s ({total / clock.Elapsed.TotalSeconds:N0} rows/s)");
        }

        await consumer;
        await sampler;
        var acks = Enumerable.Range(warmup + 1, total - warmup).Select(i => Stopwatch.GetElapsedTime(committedAt[i], ackedAt[i]).TotalMilliseconds).Order().ToArray();
        var latencies = Enumerable.Range(warmup + 1, total - warmup).Select(i => Stopwatch.GetElapsedTime(committedAt[i], receivedAt[i]).TotalMilliseconds).Order().ToArray();
        static double At(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"latency commit -> consumer at {rate:N0} rows/s over {latencies.Length:N0} rows: p50 {At(latencies, 0.50):0.0} ms, p99 {At(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms");
        Console.WriteLine($"  of which commit -> broker acknowledgement (sampled every ~1 ms): p50 {At(acks, 0.50):0.0} ms, p99 {At(acks, 0.99):0.0} ms, max {acks[^1]:0.0} ms");
        await stop.CancelAsync();
        await run;
    }

    private static void Consume(string bootstrap, string topic, long[] receivedAt, int total, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = "cdc-bench-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            TopicMetadataRefreshIntervalMs = 200,
            FetchWaitMaxMs = 5,
        }).Build();
        consumer.Subscribe(topic);
        var received = 0;
        while (received < total + 1 && !cancellationToken.IsCancellationRequested)
        {
            ConsumeResult<Ignore, byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                continue;
            }

            if (result?.Message?.Value is not { } value)
            {
                continue;
            }

            var now = Stopwatch.GetTimestamp();
            using var envelope = JsonDocument.Parse(value);
            var id = envelope.RootElement.GetProperty("after").GetProperty("id").GetInt64();
            if (Volatile.Read(ref receivedAt[id]) == 0)
            {
                Volatile.Write(ref receivedAt[id], now);
                received++;
            }
        }

        consumer.Close();
    }

    private static CdcConnectorOptions Options(string cs, string bootstrap, string prefix) => new()
    {
        ConnectionString = cs,
        Tables = ["public.orders"],
        TopicPrefix = prefix + Guid.NewGuid().ToString("N")[..8],
        BootstrapServers = bootstrap,
        StatusInterval = StatusInterval,
    };

    private static void Report(string phase, long rows, TimeSpan elapsed) =>
        Console.WriteLine($"{phase}: {rows.ToString("N0", Inv)} rows in {elapsed.TotalSeconds.ToString("0.00", Inv)} s = {(rows / elapsed.TotalSeconds).ToString("N0", Inv)} rows/s (until every record was acknowledged by the broker)");

    private static async Task ExecuteAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static int Argument(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], Inv) : fallback;
    }
}
