using Confluent.Kafka;
using Herald.Contracts;
using Herald.Inbox;
using Herald.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Consuming;

/// <summary>
/// Runs every registered consumer: polls its group, hands each partition's records to the handlers in order (partitions
/// in parallel), de-duplicates through the inbox, retries, dead-letters, and commits offsets only after the outcome of
/// every record up to them is committed — at-least-once delivery with exactly-once effects.
/// </summary>
public sealed partial class ConsumerHost : BackgroundService
{
    private const int MaxRecordsPerPoll = 1000;
    private readonly HeraldOptions _options;
    private readonly EventContracts _contracts;
    private readonly IReadOnlyList<ConsumerRegistration> _registrations;
    private readonly IServiceScopeFactory _scopes;
    private readonly EventPublisher _publisher;
    private readonly ILogger _logger;

    public ConsumerHost(HeraldOptions options, EventContracts contracts, IEnumerable<ConsumerRegistration> registrations, IServiceScopeFactory scopes, EventPublisher publisher, ConsumerMetrics metrics, ILogger<ConsumerHost> logger)
    {
        _options = options;
        _contracts = contracts;
        _registrations = [.. registrations];
        _scopes = scopes;
        _publisher = publisher;
        Metrics = metrics;
        _logger = logger;
        foreach (var type in _registrations.SelectMany(r => r.EventTypes))
        {
            _contracts.Get(type);
        }
    }

    public ConsumerMetrics Metrics { get; }

    private IInboxStore Inbox => _options.Inbox
        ?? throw new InvalidOperationException("consumers need an inbox: call UseSqlite(\"Data Source=app.db\") or UseInbox(...) in AddHerald");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_registrations.Count == 0)
        {
            return;
        }

        await Inbox.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        foreach (var prepare in _registrations.Select(r => r.Prepare).OfType<Func<HeraldOptions, CancellationToken, Task>>())
        {
            await prepare(_options, stoppingToken).ConfigureAwait(false);
        }

        var loops = _registrations.Select(r => Task.Factory.StartNew(
            () => RunAsync(r, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToList();
        loops.Add(PurgeLoopAsync(stoppingToken));
        await Task.WhenAll(loops).ConfigureAwait(false);
    }

    private async Task RunAsync(ConsumerRegistration registration, CancellationToken stoppingToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = registration.Group,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        _options.ApplySecurity(config);
        _options.ConfigureConsumer?.Invoke(config);
        using var consumer = new ConsumerBuilder<string?, byte[]>(config)
            .SetPartitionsRevokedHandler((c, _) => CommitStored(c, registration))
            .SetErrorHandler((_, error) => LogKafkaError(registration.Group, error.Reason))
            .Build();
        consumer.Subscribe(registration.Topic);
        LogStarted(registration.Name, registration.Topic, registration.Group);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var batch = Poll(consumer, stoppingToken);
                if (batch.Count == 0)
                {
                    continue;
                }

                // Partitions run in parallel; each keeps its own order.
                var partitions = batch.GroupBy(r => r.TopicPartition).ToList();
                var done = await Task.WhenAll(partitions.Select(p => ProcessPartitionAsync(registration, [.. p], stoppingToken))).ConfigureAwait(false);
                bool failed = false;
                foreach (var (last, complete, first) in done)
                {
                    if (last is not null)
                    {
                        consumer.StoreOffset(last);
                    }

                    if (!complete)
                    {
                        // Re-read from the first record without a committed outcome.
                        consumer.Seek(last is null ? first : new TopicPartitionOffset(last.TopicPartition, last.Offset + 1));
                        failed = true;
                    }
                }

                CommitStored(consumer, registration);
                if (failed)
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            CommitStored(consumer, registration);
            consumer.Close();
            LogStopped(registration.Group);
        }
    }

    private static List<ConsumeResult<string?, byte[]>> Poll(IConsumer<string?, byte[]> consumer, CancellationToken stoppingToken)
    {
        var batch = new List<ConsumeResult<string?, byte[]>>();
        try
        {
            var first = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (first is null)
            {
                return batch;
            }

            batch.Add(first);
            while (batch.Count < MaxRecordsPerPoll && !stoppingToken.IsCancellationRequested && consumer.Consume(TimeSpan.Zero) is { } next)
            {
                batch.Add(next);
            }
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            // A transient fetch error (e.g. a topic not created yet): the records already polled are still handled.
        }

        return batch;
    }

    private void CommitStored(IConsumer<string?, byte[]> consumer, ConsumerRegistration registration)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException ex) when (ex.Error.Code is ErrorCode.Local_NoOffset)
        {
        }
        catch (KafkaException ex)
        {
            LogKafkaError(registration.Group, ex.Error.Reason);
        }
    }

    private async Task PurgeLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        try
        {
            do
            {
                int purged = await Inbox.PurgeAsync(DateTimeOffset.UtcNow - _options.InboxRetention, stoppingToken).ConfigureAwait(false);
                if (purged > 0)
                {
                    LogPurged(purged);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(LogLevel.Information, "Consumer {Handler} started on topic {Topic} in group {Group}")]
    private partial void LogStarted(string handler, string topic, string group);

    [LoggerMessage(LogLevel.Information, "Consumer group {Group} stopped and committed its offsets")]
    private partial void LogStopped(string group);

    [LoggerMessage(LogLevel.Warning, "Kafka error in group {Group}: {Reason}")]
    private partial void LogKafkaError(string group, string reason);

    [LoggerMessage(LogLevel.Information, "Purged {Rows} inbox row(s) past retention")]
    private partial void LogPurged(int rows);
}
