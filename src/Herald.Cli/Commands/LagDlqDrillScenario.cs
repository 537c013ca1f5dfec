using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Herald.Broker.Monitoring;
using Herald.Cli.Monitoring;
using Herald.Consuming;
using Herald.Contracts;
using Herald.Publishing;
using Herald.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Cli.Commands;

/// <summary>
/// Drill 5 as a scenario: an SDK consumer is stopped while events pile up until the lag alert fires, then a corrupted
/// event lands in the dead-letter topic and the dead-letter alert fires. Alerts are read from a real Prometheus when one
/// is given; otherwise the same conditions are checked on <c>/metrics</c> directly.
/// </summary>
internal sealed class LagDlqDrillScenario(HeraldServer server, PrometheusProcess? prometheus, int lagEvents, TimeSpan stepTimeout)
{
    public const string LagAlert = "HeraldConsumerLagHigh";
    public const string DeadLetterAlert = "HeraldDeadLettersWaiting";
    public const int LagThreshold = 500;

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "herald-drill-lag-" + Guid.NewGuid().ToString("N")[..8]);

    public string Topic => "drill-orders-" + _suffix;

    public string Group => "drill-fulfilment-" + _suffix;

    public async Task<LagDlqDrillResult> RunAsync(Action<int, string> step, Action<string> note, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_directory);
        try
        {
            return await RunStepsAsync(step, note, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder; SQLite may still hold it for a moment.
            }
        }
    }

    private async Task<LagDlqDrillResult> RunStepsAsync(Action<int, string> step, Action<string> note, CancellationToken cancellationToken)
    {
        var alertStates = new List<string>();
        await using var services = BuildServices();
        var publisher = services.GetRequiredService<IEventPublisher>();
        var metrics = services.GetRequiredService<ConsumerMetrics>();

        step(1, $"start the SDK consumer (group {Group}) on {Topic} and publish 10 orders it handles");
        await using (var consumer = await StartConsumerAsync(services, cancellationToken).ConfigureAwait(false))
        {
            await PublishAsync(publisher, 0, 10, cancellationToken).ConfigureAwait(false);
            await WaitAsync(() => metrics.Handled >= 10 && Lag()?.TotalLagMessages == 0, "the consumer to handle the first 10 orders", cancellationToken).ConfigureAwait(false);
        }

        step(2, $"stop the consumer and publish {lagEvents.ToString(CultureInfo.InvariantCulture)} more orders");
        await PublishAsync(publisher, 10, lagEvents, cancellationToken).ConfigureAwait(false);
        var lag = await WaitForAsync(() => Lag() is { TotalLagMessages: > LagThreshold } l ? l : null, $"lag above {LagThreshold}", cancellationToken).ConfigureAwait(false);
        note($"lag of {Group}: {lag.TotalLagMessages.ToString(CultureInfo.InvariantCulture)} messages, {lag.MaxLagSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s (herald_consumer_group_lag_messages summed)");

        step(3, $"wait for {LagAlert}");
        var lagFired = await AlertFiresAsync(LagAlert, "group", Group, () => Lag()?.TotalLagMessages > LagThreshold, alertStates, note, cancellationToken).ConfigureAwait(false);

        step(4, "produce one corrupted order (the SDK's envelope headers, a payload that is not JSON) and start the consumer again");
        await ProduceCorruptedAsync(cancellationToken).ConfigureAwait(false);
        DeadLetterQueueState? queue;
        await using (var consumer = await StartConsumerAsync(services, cancellationToken).ConfigureAwait(false))
        {
            queue = await WaitForAsync(
                () => metrics.DeadLettered >= 1 && Lag()?.TotalLagMessages == 0 && Queue() is { Depth: >= 1 } q ? q : null,
                "the consumer to catch up and dead-letter the corrupted order",
                cancellationToken).ConfigureAwait(false);
        }

        note($"handled {metrics.Handled.ToString(CultureInfo.InvariantCulture)} orders; {Topic}.dlq holds {queue.Depth.ToString(CultureInfo.InvariantCulture)} unresolved dead letter(s) (herald_dlq_depth_messages{{topic=\"{Topic}\"}})");
        if (prometheus is not null)
        {
            await WaitForAsync(async () => (await prometheus.AlertsAsync(LagAlert, cancellationToken).ConfigureAwait(false)).Any(a => a.Labels.GetValueOrDefault("group") == Group) ? null : "resolved", $"{LagAlert} to resolve", cancellationToken).ConfigureAwait(false);
            note($"{LagAlert}: resolved (the group caught up)");
        }

        step(5, $"wait for {DeadLetterAlert}");
        var dlqFired = await AlertFiresAsync(DeadLetterAlert, "topic", Topic, () => Queue()?.Depth > 0, alertStates, note, cancellationToken).ConfigureAwait(false);
        return new LagDlqDrillResult(lagFired && dlqFired && queue.Depth >= 1, Topic, Group, lag.TotalLagMessages, queue.Depth, prometheus is not null, alertStates);
    }

    private ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.None));
        services.AddHerald(o => o.Bootstrap(server.KafkaBootstrap).UseSqlite($"Data Source={Path.Combine(_directory, "inbox.db")}").Topic<OrderPlaced>(Topic))
            .AddConsumer<FulfilOrder>(Topic, Group, c => c.Retry(new RetryPolicy { ImmediateRetries = 0, DelayedRetries = 0 }));
        return services.BuildServiceProvider();
    }

    /// <summary>Starts the SDK's hosted consumer; disposing it stops the consumer, which commits and leaves the group.</summary>
    private static async Task<IAsyncDisposable> StartConsumerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var hosted = services.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        return new StopOnDispose(hosted);
    }

    private static async Task PublishAsync(IEventPublisher publisher, int first, int count, CancellationToken cancellationToken)
    {
        var pending = new List<Task>(count);
        for (var i = first; i < first + count; i++)
        {
            pending.Add(publisher.PublishAsync(new OrderPlaced("order-" + i.ToString(CultureInfo.InvariantCulture), 10 + (i % 90)), cancellationToken: cancellationToken));
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    private async Task ProduceCorruptedAsync(CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap, Acks = Acks.All }).Build();
        var headers = new Headers
        {
            { EnvelopeHeaders.EventId, Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString()) },
            { EnvelopeHeaders.EventType, Encoding.UTF8.GetBytes(nameof(OrderPlaced)) },
            { EnvelopeHeaders.EventVersion, "1"u8.ToArray() },
            { EnvelopeHeaders.OccurredAt, Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)) },
        };
        await producer.ProduceAsync(Topic, new Message<string, byte[]> { Key = "order-corrupt", Value = "{\"orderId\": \"order-corrupt\", \"total\": "u8.ToArray(), Headers = headers }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until <paramref name="alert"/> fires for the drill's group or topic, printing each state Prometheus reports; without
    /// Prometheus, checks <paramref name="condition"/> on the broker's metrics instead.
    /// </summary>
    private async Task<bool> AlertFiresAsync(string alert, string label, string value, Func<bool> condition, List<string> states, Action<string> note, CancellationToken cancellationToken)
    {
        if (prometheus is null)
        {
            var holds = condition();
            note($"no Prometheus: checked the metric behind {alert} directly: {(holds ? "its condition holds" : "its condition does NOT hold")}");
            states.Add($"{alert}: {(holds ? "condition holds (no Prometheus)" : "condition false (no Prometheus)")}");
            return holds;
        }

        var watch = Stopwatch.StartNew();
        string? last = null;
        var state = await WaitForAsync(
            async () =>
            {
                var alerts = await prometheus.AlertsAsync(alert, cancellationToken).ConfigureAwait(false);
                var now = alerts.FirstOrDefault(a => a.Labels.GetValueOrDefault(label) == value).State ?? "inactive";
                if (now != last)
                {
                    last = now;
                    var line = $"{alert}{{{label}=\"{value}\"}}: {now} after {watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
                    states.Add(line);
                    note(line);
                }

                return now == "firing" ? now : null;
            },
            $"{alert} to fire",
            cancellationToken).ConfigureAwait(false);
        return state == "firing";
    }

    private GroupLag? Lag() => server.Broker.ConsumerLag.Get(Group);

    private DeadLetterQueueState? Queue() => server.Broker.DeadLetters.GetAll().FirstOrDefault(q => q.SourceTopic == Topic);

    private Task WaitAsync(Func<bool> condition, string what, CancellationToken cancellationToken) =>
        WaitForAsync(() => condition() ? "ok" : null, what, cancellationToken);

    private Task<T> WaitForAsync<T>(Func<T?> probe, string what, CancellationToken cancellationToken)
        where T : class =>
        WaitForAsync(() => Task.FromResult(probe()), what, cancellationToken);

    private async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, CancellationToken cancellationToken)
        where T : class
    {
        var deadline = DateTime.UtcNow + stepTimeout;
        while (true)
        {
            if (await probe().ConfigureAwait(false) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up after {stepTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for {what}");
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed class StopOnDispose(List<IHostedService> services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var service in Enumerable.Reverse(services))
            {
                await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>An order was placed: the drill's event.</summary>
/// <param name="OrderId">The order, which keys the event.</param>
/// <param name="Total">The order total.</param>
internal sealed record OrderPlaced([property: PartitionKey] string OrderId, decimal Total);

/// <summary>The drill's handler: fulfilment that accepts every order it can read.</summary>
internal sealed class FulfilOrder : IEventHandler<OrderPlaced>
{
    public Task HandleAsync(OrderPlaced @event, EventContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What drill 5 observed.</summary>
internal sealed record LagDlqDrillResult(bool Passed, string Topic, string Group, long PeakLag, long DeadLetterDepth, bool WithPrometheus, IReadOnlyList<string> AlertStates);
