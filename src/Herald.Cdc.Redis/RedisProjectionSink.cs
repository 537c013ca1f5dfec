using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Herald.Cdc.Redis;

/// <summary>
/// Consumes change topics in a consumer group and keeps a <see cref="RedisProjection"/> of them: each batch is written
/// to Redis first and its offsets committed after, so a crash redelivers rather than loses, and the projection's
/// LSN compare-and-set makes the redelivery harmless.
/// </summary>
/// <example>
/// <code>
/// var redis = await ConnectionMultiplexer.ConnectAsync("127.0.0.1:6379");
/// var sink = new RedisProjectionSink(redis, new RedisProjectionOptions
/// {
///     BootstrapServers = "127.0.0.1:9092",
///     Topics = ["shop.public.orders"],
///     KeyPattern = "orders:{id}",
/// });
/// await sink.RunAsync(stoppingToken);
/// </code>
/// </example>
public sealed partial class RedisProjectionSink
{
    private readonly RedisProjection _projection;
    private readonly RedisProjectionOptions _options;
    private readonly ILogger _logger;
    private bool _warnedNoLsn;

    /// <summary>Creates the sink; nothing is consumed until <see cref="RunAsync"/>.</summary>
    /// <param name="redis">The Redis connection.</param>
    /// <param name="options">Topics, group, key pattern; at least one topic.</param>
    /// <param name="logger">Logs rebalances, commit failures and records without an LSN.</param>
    public RedisProjectionSink(IConnectionMultiplexer redis, RedisProjectionOptions options, ILogger<RedisProjectionSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Topics.Count == 0)
        {
            throw new ArgumentException("RedisProjectionOptions.Topics is empty: name the change topics to project", nameof(options));
        }

        _options = options;
        _projection = new RedisProjection(redis, options);
        _logger = logger ?? NullLogger<RedisProjectionSink>.Instance;
    }

    /// <summary>Projects until <paramref name="cancellationToken"/> is cancelled, then leaves the group.</summary>
    /// <param name="cancellationToken">Stops the sink; the batch in flight is finished and committed first.</param>
    public Task RunAsync(CancellationToken cancellationToken = default) =>
        // Consume blocks, so the loop gets a thread of its own rather than a pool thread for ever.
        Task.Factory.StartNew(() => RunLoopAsync(cancellationToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();

    private async Task RunLoopAsync(CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.GroupId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = _options.AutoOffsetReset,
        };
        _options.ConfigureConsumer?.Invoke(config);
        config.EnableAutoCommit = false;
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetPartitionsAssignedHandler((_, partitions) => LogAssigned(_options.GroupId, string.Join(", ", partitions)))
            .Build();
        consumer.Subscribe(_options.Topics);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var batch = NextBatch(consumer, cancellationToken);
                if (batch.Count == 0)
                {
                    continue;
                }

                var applied = await _projection.ApplyAsync(batch).ConfigureAwait(false);
                Report(applied);
                Commit(consumer, batch);
            }
        }
        finally
        {
            consumer.Close();
        }
    }

    private List<ConsumeResult<byte[]?, byte[]?>> NextBatch(IConsumer<byte[]?, byte[]?> consumer, CancellationToken cancellationToken)
    {
        var batch = new List<ConsumeResult<byte[]?, byte[]?>>();
        try
        {
            if (consumer.Consume(cancellationToken) is { IsPartitionEOF: false } first)
            {
                batch.Add(first);
            }

            while (batch.Count < _options.MaxBatchSize && consumer.Consume(TimeSpan.Zero) is { } next)
            {
                if (!next.IsPartitionEOF)
                {
                    batch.Add(next);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what was consumed so far is still applied and committed.
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            // Typically "subscribed topic not available" before the connector's first record creates the topic:
            // the subscription stays and picks the topic up once it exists.
            LogConsumeError(e.Error.Reason);
        }

        return batch;
    }

    private void Report(IReadOnlyList<ProjectionApplied> applied)
    {
        foreach (var result in applied)
        {
            if (result.Lsn is null && result.Outcome != ProjectionOutcome.Ignored && !_warnedNoLsn)
            {
                _warnedNoLsn = true;
                LogNoLsn(result.Topic, _options.LsnField);
            }

            _options.OnApplied?.Invoke(result);
        }
    }

    private void Commit(IConsumer<byte[]?, byte[]?> consumer, List<ConsumeResult<byte[]?, byte[]?>> batch)
    {
        var offsets = batch
            .GroupBy(r => r.TopicPartition)
            .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1))
            .ToList();
        try
        {
            consumer.Commit(offsets);
        }
        catch (KafkaException ex)
        {
            // A rebalance took a partition away: its new owner re-applies from the last commit, which the LSN guard makes harmless.
            LogCommitFailed(ex.Error.Reason);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis projection group {Group} assigned {Partitions}")]
    private partial void LogAssigned(string group, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis projection consumer: {Reason}; still subscribed")]
    private partial void LogConsumeError(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis projection could not commit offsets ({Reason}); the records will be re-applied, harmlessly")]
    private partial void LogCommitFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Records on {Topic} carry no LSN (field or header '{LsnField}'): Redis writes are unconditional, so a redelivery can briefly show older state. Configure the unwrap transform with add.fields=lsn or add.headers=lsn.")]
    private partial void LogNoLsn(string topic, string lsnField);
}
