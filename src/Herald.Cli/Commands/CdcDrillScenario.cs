using System.Diagnostics;
using System.Globalization;
using Herald.Cdc.Connector;
using Herald.Cdc.Redis;
using Herald.Cdc.Transforms;
using Npgsql;
using StackExchange.Redis;

namespace Herald.Cli.Commands;

/// <summary>
/// Drill 3 as a scenario: an <c>orders</c> table in its own schema, the CDC connector with the unwrap transform, a
/// Redis projection, one UPDATE, and the time from its commit to the hash changing. Everything it creates (schema,
/// slot, publication, Redis keys) is removed afterwards.
/// </summary>
internal sealed class CdcDrillScenario(string postgres, IConnectionMultiplexer redis, string bootstrap)
{
    public const string Schema = "herald_drill";
    public const int SnapshotRows = 3;
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);

    private readonly string _prefix = "drill" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<Observed> _applied = [];
    private readonly SemaphoreSlim _appliedSignal = new(0);

    public string Topic => $"{_prefix}.{Schema}.orders";

    public string KeyPrefix => $"herald-drill:{_prefix}:";

    public string RedisKey => KeyPrefix + "orders:1";

    public async Task<CdcDrillResult> RunAsync(Action<int, string> step, CancellationToken cancellationToken)
    {
        step(1, $"create {Schema}.orders with {SnapshotRows} pending orders");
        await ExecuteAsync(
            $"""
            DROP SCHEMA IF EXISTS {Schema} CASCADE;
            CREATE SCHEMA {Schema};
            CREATE TABLE {Schema}.orders (id bigint PRIMARY KEY, status text NOT NULL, total numeric(10,2), updated_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO {Schema}.orders (id, status, total) SELECT g, 'pending', 10 * g FROM generate_series(1, {SnapshotRows}) g;
            """,
            cancellationToken).ConfigureAwait(false);

        var connector = new CdcConnector(new CdcConnectorOptions
        {
            ConnectionString = postgres,
            Tables = [$"{Schema}.orders"],
            TopicPrefix = _prefix,
            BootstrapServers = bootstrap,
            StateTable = $"{Schema}.cdc_state",
            StatusInterval = TimeSpan.FromMilliseconds(200),
            Transform = new ExtractNewRecordState(ExtractNewRecordStateOptions.Parse(new Dictionary<string, string>
            {
                ["delete.tombstone.handling.mode"] = "rewrite",
                ["add.fields"] = "op,lsn,source.ts_ms",
            })),
        });
        var sink = new RedisProjectionSink(redis, new RedisProjectionOptions
        {
            BootstrapServers = bootstrap,
            Topics = [Topic],
            GroupId = _prefix + "-redis",
            KeyPattern = KeyPrefix + "orders:{id}",
            OnApplied = OnApplied,
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        step(2, $"start the connector (slot herald_{_prefix}, snapshot then streaming, unwrap with add.fields=op,lsn,source.ts_ms) and the Redis projection of {Topic}");
        var capture = connector.RunAsync(stop.Token);
        var projection = sink.RunAsync(stop.Token);
        try
        {
            await WaitAsync(
                seen => seen.Count(o => o.Applied.Outcome == ProjectionOutcome.Upserted) >= SnapshotRows ? seen : null,
                capture,
                "the snapshot to reach Redis",
                cancellationToken).ConfigureAwait(false);
            var before = await HashAsync().ConfigureAwait(false);

            step(3, "UPDATE orders SET status = 'paid' WHERE id = 1, and wait for the projection");
            int already;
            lock (_applied)
            {
                already = _applied.Count;
            }

            var committedAt = await ExecuteAsync($"UPDATE {Schema}.orders SET status = 'paid', updated_at = now() WHERE id = 1", cancellationToken).ConfigureAwait(false);
            var updated = await WaitAsync(
                seen => seen.Skip(already).FirstOrDefault(o => o.Applied.Key == RedisKey && o.Applied.Outcome == ProjectionOutcome.Upserted),
                capture,
                "the update to reach Redis",
                cancellationToken).ConfigureAwait(false);

            // The projection may apply the change before ExecuteNonQuery's reply arrives here; then the latency is ~0.
            var latency = updated.Timestamp > committedAt ? Stopwatch.GetElapsedTime(committedAt, updated.Timestamp) : TimeSpan.Zero;
            var after = await HashAsync().ConfigureAwait(false);
            return new CdcDrillResult(Topic, RedisKey, before, after, latency, updated.Applied.Lsn);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(capture), Quietly(projection)).ConfigureAwait(false);
            await CleanUpAsync().ConfigureAwait(false);
        }
    }

    private void OnApplied(ProjectionApplied applied)
    {
        lock (_applied)
        {
            _applied.Add(new Observed(applied, Stopwatch.GetTimestamp()));
        }

        _appliedSignal.Release();
    }

    /// <summary>Waits, on the projection's own notifications, until <paramref name="find"/> sees what it looks for.</summary>
    private async Task<T> WaitAsync<T>(Func<IReadOnlyList<Observed>, T?> find, Task capture, string what, CancellationToken cancellationToken)
        where T : class
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            lock (_applied)
            {
                if (find(_applied) is { } found)
                {
                    return found;
                }
            }

            if (capture.IsCompleted)
            {
                await capture.ConfigureAwait(false);
                throw new InvalidOperationException("the connector stopped");
            }

            if (Stopwatch.GetElapsedTime(started) > StepTimeout)
            {
                throw new TimeoutException($"waited {StepTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s for {what}");
            }

            await _appliedSignal.WaitAsync(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> HashAsync() =>
        (await redis.GetDatabase().HashGetAllAsync(RedisKey).ConfigureAwait(false))
            .OrderBy(e => e.Name.ToString(), StringComparer.Ordinal)
            .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());

    /// <summary>Runs SQL and returns the Stopwatch timestamp taken as soon as its (auto)commit returned.</summary>
    private async Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return Stopwatch.GetTimestamp();
    }

    private async Task CleanUpAsync()
    {
        try
        {
            var slot = "herald_" + _prefix;
            await ExecuteAsync(
                $"""
                SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '{slot}' AND NOT active;
                DROP PUBLICATION IF EXISTS {slot};
                DROP SCHEMA IF EXISTS {Schema} CASCADE;
                """,
                CancellationToken.None).ConfigureAwait(false);
            var database = redis.GetDatabase();
            for (var id = 1; id <= SnapshotRows; id++)
            {
                await database.KeyDeleteAsync([KeyPrefix + "orders:" + id.ToString(CultureInfo.InvariantCulture), KeyPrefix + "orders:" + id.ToString(CultureInfo.InvariantCulture) + ":__deleted_lsn"]).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NpgsqlException or RedisException)
        {
            // Best effort: the drill's verdict is already decided.
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or CdcException)
        {
        }
    }
}

/// <summary>One projection notification and when it arrived (Stopwatch timestamp).</summary>
internal sealed record Observed(ProjectionApplied Applied, long Timestamp);

/// <summary>What drill 3 observed.</summary>
internal sealed record CdcDrillResult(
    string Topic, string RedisKey, IReadOnlyDictionary<string, string> Before, IReadOnlyDictionary<string, string> After, TimeSpan Latency, ulong? Lsn)
{
    public bool Passed => Before.GetValueOrDefault("status") == "pending" && After.GetValueOrDefault("status") == "paid" && After.GetValueOrDefault("__op") == "u";
}
