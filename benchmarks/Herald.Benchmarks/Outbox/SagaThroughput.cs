using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald.Benchmarks.E2e;
using Microsoft.Data.Sqlite;

namespace Herald.Benchmarks.Outbox;

/// <summary>What the saga run measured.</summary>
/// <param name="Orders">Measured orders placed (all accepted with 202).</param>
/// <param name="Placing">From the first measured POST until the last one was answered.</param>
/// <param name="Window">From the first measured POST until the last measured saga completed.</param>
/// <param name="Completed">Measured sagas that ended <c>Completed</c>.</param>
/// <param name="OtherOutcomes">Measured sagas that ended otherwise, or had not ended, by step.</param>
/// <param name="HistoryEntries">History entries of the measured sagas.</param>
/// <param name="HistoryByKind">The same, by kind.</param>
/// <param name="TopicEvents">Records the flow put on its topic during the measured orders (all services).</param>
/// <param name="PlacedToCompleted">Order row written → saga completed, ms, sorted (completed sagas only).</param>
/// <param name="PostLatency">POST /orders round trips, ms, sorted.</param>
/// <param name="PaymentsOn">Where the payment service kept its data.</param>
/// <param name="Legs">Each leg of a completed saga, ms, sorted: placed → the saga started (OrderCreated handled), → PaymentCompleted handled, → InventoryReserved handled.</param>
internal sealed record SagaResult(
    int Orders,
    TimeSpan Placing,
    TimeSpan Window,
    int Completed,
    IReadOnlyDictionary<string, int> OtherOutcomes,
    long HistoryEntries,
    IReadOnlyDictionary<string, long> HistoryByKind,
    long TopicEvents,
    double[] PlacedToCompleted,
    double[] PostLatency,
    string PaymentsOn,
    IReadOnlyList<(string Leg, double[] Milliseconds)> Legs);

/// <summary>
/// The Orders sample's three services as separate processes (<c>herald drill service order|payment|inventory</c> of the
/// Release build, exactly as the saga drill starts them), each with its own SQLite file, on a topic of the run's own:
/// warm-up orders first, then N orders placed by concurrent HTTP clients as fast as the order service answers, until
/// every saga has ended.
/// </summary>
internal static partial class SagaThroughput
{
    private const string SagaType = "order-fulfilment";
    private const int FlowPartitions = 3;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(90);

    public static async Task<SagaResult> RunAsync(string bootstrap, OutboxBenchOptions options, string scratch, Func<Task<string>> paymentsPostgres, CancellationToken cancellationToken)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var topic = "bench-orders-" + run;
        var directory = Directory.CreateDirectory(Path.Combine(scratch, "orders-" + run)).FullName;
        var ordersDb = Path.Combine(directory, "orders.db");
        var postgres = options.PaymentsPostgres ? await paymentsPostgres().ConfigureAwait(false) : null;
        string Group(string service) => $"bench-{run}-{service}";

        await using var order = await StartServiceAsync("order", bootstrap, topic, Group("order"), ["--db", ordersDb, "--http", "127.0.0.1:0"], cancellationToken).ConfigureAwait(false);
        await using var payment = await StartServiceAsync("payment", bootstrap, topic, Group("payment"),
            postgres is null ? ["--db", Path.Combine(directory, "payments.db")] : ["--postgres", postgres], cancellationToken).ConfigureAwait(false);
        await using var inventory = await StartServiceAsync("inventory", bootstrap, topic, Group("inventory"), ["--db", Path.Combine(directory, "inventory.db")], cancellationToken).ConfigureAwait(false);
        foreach (var service in new[] { "order", "payment", "inventory" })
        {
            await WaitForAssignmentAsync(bootstrap, Group(service), topic, cancellationToken).ConfigureAwait(false);
        }

        var api = new Uri(order.ReadyLine is { } line && HttpAddress().Match(line) is { Success: true } match
            ? match.Value + "/"
            : throw new InvalidOperationException($"no HTTP address in the order service's ready line: {order.ReadyLine}"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

        OutboxCommand.Log($"sagas: placing {options.SagaWarmup} warm-up orders");
        var warmup = await PlaceAsync(http, api, options.SagaWarmup, options.Clients, null, cancellationToken).ConfigureAwait(false);
        await WaitForEndAsync(ordersDb, warmup.Ids.Count, cancellationToken).ConfigureAwait(false);
        var eventsBefore = CountOnTopic(bootstrap, topic);

        OutboxCommand.Log($"sagas: placing {options.Orders:N0} orders with {options.Clients} clients");
        var startedAt = DateTime.UtcNow;
        var measured = await PlaceAsync(http, api, options.Orders, options.Clients, options.OrderRate, cancellationToken).ConfigureAwait(false);
        OutboxCommand.Log($"sagas: {options.Orders:N0} orders accepted in {measured.Elapsed.TotalSeconds:0.00} s = {options.Orders / measured.Elapsed.TotalSeconds:N0}/s; waiting for the sagas");
        await WaitForEndAsync(ordersDb, warmup.Ids.Count + measured.Ids.Count, cancellationToken).ConfigureAwait(false);

        // The last events (OrderCompleted) leave the order service's outbox just after the last saga step committed.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        var topicEvents = CountOnTopic(bootstrap, topic) - eventsBefore;
        return await ReadResultAsync(ordersDb, measured, startedAt, topicEvents, postgres is null ? "SQLite" : "PostgreSQL", cancellationToken).ConfigureAwait(false);
    }

    private sealed record Placed(IReadOnlyList<Guid> Ids, TimeSpan Elapsed, double[] PostLatency);

    /// <summary>
    /// Posts <paramref name="count"/> orders from <paramref name="clients"/> concurrent loops, as fast as they are answered
    /// or order i at i / <paramref name="rate"/> s; every one must be accepted.
    /// </summary>
    private static async Task<Placed> PlaceAsync(HttpClient http, Uri api, int count, int clients, int? rate, CancellationToken cancellationToken)
    {
        var ids = new Guid[count];
        var latencies = new double[count];
        var next = -1;
        var orders = new Uri(api, "orders");
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                if (rate is { } perSecond && TimeSpan.FromSeconds(i / (double)perSecond) - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }

                var body = new { customerId = "bench-" + (i % 100).ToString(CultureInfo.InvariantCulture), amount = 20m, lines = new[] { new { sku = "widget", quantity = 1 } } };
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsJsonAsync(orders, body, cancellationToken).ConfigureAwait(false);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    throw new InvalidOperationException($"POST /orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
                }

                ids[i] = (await response.Content.ReadFromJsonAsync<Accepted>(cancellationToken).ConfigureAwait(false))!.OrderId;
            }
        })).ConfigureAwait(false);
        return new Placed(ids, clock.Elapsed, [.. latencies.Order()]);
    }

    private sealed record Accepted(Guid OrderId);

    /// <summary>Waits until <paramref name="sagas"/> sagas have ended (Completed or Cancelled); gives up when none ends for a while.</summary>
    private static async Task WaitForEndAsync(string ordersDb, int sagas, CancellationToken cancellationToken)
    {
        var lastProgress = Stopwatch.StartNew();
        long last = -1;
        while (true)
        {
            long ended;
            await using (var connection = new SqliteConnection($"Data Source={ordersDb};Mode=ReadOnly"))
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM herald_saga WHERE type = $type AND completed_at IS NOT NULL";
                command.Parameters.AddWithValue("$type", SagaType);
                ended = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            if (ended >= sagas)
            {
                return;
            }

            if (ended != last)
            {
                last = ended;
                lastProgress.Restart();
            }
            else if (lastProgress.Elapsed > Stall)
            {
                throw new TimeoutException($"sagas: only {ended} of {sagas} ended, and none for {Stall.TotalSeconds:0} s");
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<SagaResult> ReadResultAsync(string ordersDb, Placed measured, DateTime startedAt, long topicEvents, string paymentsOn, CancellationToken cancellationToken)
    {
        var wanted = measured.Ids.Select(id => id.ToString("D")).ToHashSet(StringComparer.Ordinal);
        await using var connection = new SqliteConnection($"Data Source={ordersDb};Mode=ReadOnly");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

        var latencies = new List<double>();
        var placedAt = new Dictionary<string, long>(StringComparer.Ordinal);
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        long lastCompleted = 0;
        var completed = 0;
        await using (var command = connection.CreateCommand())
        {
            // orders.created_at is the order service's DateTime.UtcNow just before it wrote the order and OrderCreated;
            // completed_at is the saga store's clock (Unix ms) in the same process.
            command.CommandText = "SELECT o.order_id, o.created_at, s.step, s.completed_at FROM orders o LEFT JOIN herald_saga s ON s.type = $type AND s.id = o.order_id";
            command.Parameters.AddWithValue("$type", SagaType);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!wanted.Contains(reader.GetString(0)))
                {
                    continue;
                }

                var step = reader.IsDBNull(2) ? "(no saga)" : reader.GetString(2);
                if (step == "Completed" && !reader.IsDBNull(3))
                {
                    completed++;
                    var placed = DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
                    var done = reader.GetInt64(3);
                    lastCompleted = Math.Max(lastCompleted, done);
                    latencies.Add((DateTimeOffset.FromUnixTimeMilliseconds(done) - new DateTimeOffset(placed)).TotalMilliseconds);
                    placedAt[reader.GetString(0)] = new DateTimeOffset(placed).ToUnixTimeMilliseconds();
                }
                else
                {
                    outcomes[step] = outcomes.GetValueOrDefault(step) + 1;
                }
            }
        }

        // Every history entry of the measured sagas: by kind, and when each step was handled (the saga store's clock).
        var byKind = new Dictionary<string, long>(StringComparer.Ordinal);
        var steps = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id, kind, event_type, at FROM herald_saga_history WHERE type = $type";
            command.Parameters.AddWithValue("$type", SagaType);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!wanted.Contains(id))
                {
                    continue;
                }

                byKind[reader.GetString(1)] = byKind.GetValueOrDefault(reader.GetString(1)) + 1;
                if (!steps.TryGetValue(id, out var at))
                {
                    steps[id] = at = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                at[reader.GetString(2)] = reader.GetInt64(3);
            }
        }

        foreach (var (id, at) in placedAt)
        {
            if (steps.TryGetValue(id, out var entries))
            {
                entries["placed"] = at;
            }
        }

        var legs = new (string Leg, string From, string To)[]
        {
            ("placed → saga started (OrderCreated handled)", "placed", "OrderCreated"),
            ("→ PaymentCompleted handled (via the payment service)", "OrderCreated", "PaymentCompleted"),
            ("→ InventoryReserved handled (via the inventory service)", "PaymentCompleted", "InventoryReserved"),
        }.Select(leg => (leg.Leg, (double[])[.. steps.Values
            .Where(at => at.ContainsKey(leg.From) && at.ContainsKey(leg.To))
            .Select(at => (double)(at[leg.To] - at[leg.From]))
            .Order()])).ToList();

        var window = DateTimeOffset.FromUnixTimeMilliseconds(lastCompleted) - new DateTimeOffset(startedAt);
        return new SagaResult(measured.Ids.Count, measured.Elapsed, window, completed, outcomes, byKind.Values.Sum(), byKind, topicEvents,
            [.. latencies.Order()], measured.PostLatency, paymentsOn, legs);
    }

    private sealed class Service(ChildProcess process, string? readyLine) : IAsyncDisposable
    {
        public string? ReadyLine => readyLine;

        public ValueTask DisposeAsync() => process.DisposeAsync();
    }

    private static async Task<Service> StartServiceAsync(string service, string bootstrap, string topic, string group, string[] arguments, CancellationToken cancellationToken)
    {
        string? ready = null;
        var process = await ChildProcess.StartAsync(
            HeraldBuild.Executable,
            ["drill", "service", service, "--bootstrap", bootstrap, "--topic", topic, "--group", group,
                "--exit-with", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), .. arguments],
            line =>
            {
                if (!line.Contains("service ready:", StringComparison.Ordinal))
                {
                    return false;
                }

                ready = line;
                return true;
            },
            TimeSpan.FromSeconds(60),
            cancellationToken).ConfigureAwait(false);
        return new Service(process, ready);
    }

    /// <summary>Waits until the group is stable with every partition of the topic assigned (as the saga drill does).</summary>
    private static async Task WaitForAssignmentAsync(string bootstrap, string group, string topic, CancellationToken cancellationToken)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var described = await admin.DescribeConsumerGroupsAsync([group]).ConfigureAwait(false);
                var description = described.ConsumerGroupDescriptions.Single();
                var assigned = description.Members.Sum(m => m.Assignment?.TopicPartitions.Count(p => p.Topic == topic) ?? 0);
                if (description.State == ConsumerGroupState.Stable && assigned == FlowPartitions)
                {
                    return;
                }
            }
            catch (KafkaException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"group {group} did not get the partitions of {topic} within 60 s");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    private static long CountOnTopic(string bootstrap, string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "outbox-bench-count" }).Build();
        long total = 0;
        for (var partition = 0; partition < FlowPartitions; partition++)
        {
            total += consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10)).High.Value;
        }

        return total;
    }

    [GeneratedRegex(@"http://[^\s,]+")]
    private static partial Regex HttpAddress();
}
