using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Herald.Cdc.Connector;
using Herald.Testing;
using Npgsql;

namespace Herald.Cdc.Tests.Capture;

/// <summary>One captured record as a consumer sees it.</summary>
internal sealed record Captured(string? Key, string? Value, IReadOnlyDictionary<string, string> Headers, long Offset)
{
    public JsonNode? KeyJson => Key is null ? null : JsonNode.Parse(Key);

    public JsonObject Envelope => JsonNode.Parse(Value ?? throw new InvalidOperationException("tombstone"))!.AsObject();

    public string? Op => Value is null ? null : (string?)Envelope["op"];

    public override string ToString() => $"{Key} => {Value ?? "<tombstone>"}";
}

/// <summary>A fresh database, unique slot/publication/prefix and the shared broker: one per test, so tests run in parallel.</summary>
internal sealed class CaptureContext : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<(CdcConnector Connector, Task Run, CancellationTokenSource Stop)> _running = [];

    private CaptureContext(string connectionString, string bootstrap, string prefix)
    {
        ConnectionString = connectionString;
        Bootstrap = bootstrap;
        Prefix = prefix;
    }

    public string ConnectionString { get; }

    /// <summary>The connectors' log, shown when a stop times out.</summary>
    public TestLog Log { get; } = new();

    public string Bootstrap { get; }

    public string Prefix { get; }

    public string Slot => "herald_" + Prefix;

    public static async Task<CaptureContext> CreateAsync()
    {
        var cluster = await PostgresCluster.Shared;
        var broker = await TestBroker.Shared;
        var connectionString = await cluster.CreateDatabaseAsync("cdc");
        return new CaptureContext(connectionString, broker.KafkaBootstrap, "t" + Guid.NewGuid().ToString("N")[..12]);
    }

    public string Topic(string table) => $"{Prefix}.public.{table}";

    public CdcConnectorOptions Options(params string[] tables) => new()
    {
        ConnectionString = ConnectionString,
        Tables = tables,
        TopicPrefix = Prefix,
        BootstrapServers = Bootstrap,
        StatusInterval = TimeSpan.FromMilliseconds(200),
    };

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The slot's confirmed_flush_lsn as a number.</summary>
    public async Task<ulong> ConfirmedFlushLsnAsync() =>
        (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>($"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{Slot}'");

    /// <summary>The WAL insert position: the test cluster runs with synchronous_commit=off, so pg_current_wal_lsn() can lag a commit.</summary>
    public async Task<ulong> CurrentWalLsnAsync() => (ulong)await ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>("SELECT pg_current_wal_insert_lsn()");

    /// <summary>Starts a connector in the background and waits until it streams.</summary>
    public async Task<CdcConnector> StartAsync(CdcConnectorOptions options)
    {
        var connector = new CdcConnector(options, Log);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => connector.RunAsync(stop.Token));
        _running.Add((connector, run, stop));
        await Task.WhenAny(connector.Ready, run).WaitAsync(Timeout);
        if (!connector.Ready.IsCompletedSuccessfully)
        {
            // Refused before it was ready: the caller gets the exception (the run's, which names the fix), so it is not
            // a hidden crash.
            _running.RemoveAt(_running.Count - 1);
            await run.WaitAsync(Timeout);
            await connector.Ready;
        }

        return connector;
    }

    public async Task StopAsync(CdcConnector connector)
    {
        var entry = _running.Single(r => r.Connector == connector);
        await entry.Stop.CancelAsync();
        try
        {
            // A connector that crashed earlier throws its exception here.
            await entry.Run.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the connector did not stop: {connector.Status}\n{Log}");
        }
        finally
        {
            _running.Remove(entry);
        }
    }

    /// <summary>
    /// Reads <paramref name="topic"/> from the start until at least <paramref name="count"/> records arrived, then on to
    /// the end of every partition as it stands at that moment, so a duplicate behind the first <paramref name="count"/>
    /// is in the list, not cut off. One still on its way is not: stop the connector first when that matters.
    /// </summary>
    public List<Captured> Consume(string topic, int count) => ConsumeUntil(topic, records => records.Count >= count, $"{count} records");

    /// <summary>Reads <paramref name="topic"/> from the start until <paramref name="done"/> holds, then to the log end offset of that moment.</summary>
    public List<Captured> ConsumeUntil(string topic, Func<List<Captured>, bool> done, string what)
    {
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap,
            GroupId = TestBroker.UniqueName("cdc-check"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            TopicMetadataRefreshIntervalMs = 200,
        }).Build();
        consumer.Subscribe(topic);
        var records = new List<Captured>();
        var clock = Stopwatch.StartNew();
        Dictionary<TopicPartition, WatermarkOffsets>? ends = null;
        while (ends is null ? !done(records) : !AtEnd(consumer, ends))
        {
            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"expected {(ends is null ? what : "the log end " + string.Join(", ", ends.Values.Select(e => e.High)))} on {topic}, got {records.Count}:\n{string.Join('\n', records.Take(20))}");
            }

            ThrowIfAConnectorCrashed();
            ConsumeResult<byte[]?, byte[]?>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.UnknownTopicOrPart)
            {
                // The connector creates the topic with its first record.
                continue;
            }

            if (result?.Message is { } message)
            {
                records.Add(new Captured(
                    message.Key is null ? null : Encoding.UTF8.GetString(message.Key),
                    message.Value is null ? null : Encoding.UTF8.GetString(message.Value),
                    (message.Headers ?? []).ToDictionary(h => h.Key, h => Encoding.UTF8.GetString(h.GetValueBytes())),
                    result.Offset.Value));
            }

            if (ends is null && done(records))
            {
                // The records asked for are here; whatever the log holds beyond them now is read too.
                ends = consumer.Assignment.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, Timeout));
            }
        }

        consumer.Close();
        return records;
    }

    private static bool AtEnd(IConsumer<byte[]?, byte[]?> consumer, Dictionary<TopicPartition, WatermarkOffsets> ends) =>
        ends.All(end => end.Value.Low >= end.Value.High || consumer.Position(end.Key).Value >= end.Value.High);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int pollMs = 50)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > Timeout)
            {
                Assert.Fail($"timed out waiting for {what}");
            }

            await Task.Delay(pollMs);
        }
    }

    /// <summary>Fails the test with the exception of a connector that ended by itself after it reported ready.</summary>
    public void ThrowIfAConnectorCrashed()
    {
        foreach (var (connector, run, _) in _running)
        {
            if (run.IsFaulted)
            {
                Assert.Fail($"the connector crashed after it reported ready ({connector.Status}): {run.Exception!.GetBaseException()}\n{Log}");
            }
        }
    }

    /// <summary>
    /// Stops the connectors still running and drops the database's slots; then fails if a connector crashed while the
    /// test ran or did not stop, which a test that passed without noticing would otherwise hide.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        foreach (var (connector, run, stop) in _running)
        {
            var crashedBeforeStop = run.IsFaulted;
            await stop.CancelAsync();
            try
            {
                await run.WaitAsync(Timeout);
            }
            catch (TimeoutException)
            {
                failures.Add($"a connector did not stop within {Timeout.TotalSeconds} s: {connector.Status}");
            }
            catch (Exception e)
            {
                failures.Add($"a connector {(crashedBeforeStop ? "crashed after it reported ready" : "failed while stopping")}: {e}");
            }
        }

        // Slots outlive their connector and pin WAL; the shared cluster has a fixed number of them for the whole run.
        try
        {
            await ExecuteAsync("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = current_database() AND NOT active");
        }
        catch (PostgresException)
        {
            // A slot still in use by a connector that did not stop in time: it goes when the cluster stops.
        }

        if (failures.Count > 0)
        {
            Assert.Fail(string.Join("\n", failures) + "\n" + Log);
        }
    }
}

/// <summary>Collects log lines in memory.</summary>
internal sealed class TestLog : Microsoft.Extensions.Logging.ILogger<CdcConnector>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lines = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{DateTime.Now:HH:mm:ss.fff} {logLevel}: {formatter(state, exception)} {exception}");

    public override string ToString() => string.Join('\n', _lines);
}
