using System.Diagnostics;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Herald;
using Herald.Consuming;
using Herald.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orders.Contracts;

namespace Orders.Services.Hosting;

/// <summary>What the three services set up the same way: the topic, the consumer settings, logging, and their lifetime.</summary>
public static class OrderFlowHosting
{
    /// <summary>Partitions of the order-flow topic when a service creates it.</summary>
    public const int Partitions = 3;

    /// <summary>
    /// The broker, the topic of every order event, and an identity that lets a killed service come back at once: the
    /// instance id is both its static consumer-group member id and its outbox relay's lease owner.
    /// </summary>
    public static HeraldOptionsBuilder UseOrderFlow(this HeraldOptionsBuilder builder, OrderFlowOptions common) =>
        builder.Bootstrap(common.Bootstrap)
            .UseOrderFlow(common.Topic)
            .ConfigureConsumer(c =>
            {
                // Static membership: a service restarted after a crash rejoins as the same member and gets its
                // partitions back without waiting for a rebalance; the short session bounds how long a stopped
                // service's partitions stay with it.
                c.GroupInstanceId = common.Instance;
                c.SessionTimeoutMs = 10_000;

                // librdkafka waits up to 10 s between reconnects by default; come back within a second of the broker.
                c.ReconnectBackoffMaxMs = 1000;
            })
            // The relay's lease is held by an owner name; a crashed owner's lease blocks everyone else until it expires
            // (30 s), but the same owner renews it at once, so the restarted service publishes its backlog right away.
            .Outbox(r => r with { Owner = common.Instance });

    /// <summary>One line per event in, the services' own steps at Information, the frameworks' chatter only when it matters.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
    }

    /// <summary>
    /// Creates the order-flow topic unless it exists, so consumers never subscribe to a topic that is not there yet. A
    /// broker that does not answer within <paramref name="patience"/> is reported and the service starts anyway: the
    /// point of the outbox is that a service keeps taking work while the broker is down.
    /// </summary>
    public static async Task EnsureTopicAsync(OrderFlowOptions common, CancellationToken cancellationToken, TimeSpan? patience = null)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = common.Bootstrap })
            .SetLogHandler((_, _) => { })
            .Build();
        var deadline = DateTime.UtcNow + (patience ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            try
            {
                await admin.CreateTopicsAsync([new TopicSpecification { Name = common.Topic, NumPartitions = Partitions, ReplicationFactor = 1 }], new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(2) }).ConfigureAwait(false);
                return;
            }
            catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
            {
                return;
            }
            catch (KafkaException e)
            {
                if (DateTime.UtcNow > deadline)
                {
                    Console.Error.WriteLine($"warning: the broker at {common.Bootstrap} did not answer ({e.Error.Reason}); starting anyway — events wait in the outbox until it is back");
                    return;
                }

                // The broker may still be starting (run.sh starts everything at once).
                await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Registers every contract of the flow: the consumer host dead-letters an event type it has never heard of, and on
    /// the shared topic each service sees events it neither handles nor publishes.
    /// </summary>
    public static void KnowEveryContract(IServiceProvider services)
    {
        var contracts = services.GetRequiredService<EventContracts>();
        foreach (var type in OrderFlow.Events)
        {
            contracts.Get(type);
        }
    }

    /// <summary>Logs each duplicate the inbox dropped: what a restarted service's redeliveries look like.</summary>
    public static void LogDuplicates(IServiceProvider services, string service)
    {
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger(service);
        services.GetRequiredService<ConsumerMetrics>().Processed += processed =>
        {
            if (processed.Outcome == "duplicate")
            {
                log.LogInformation("skipped duplicate {EventId} at {Topic}[{Partition}]@{Offset}: already handled", processed.EventId, processed.Topic, processed.Partition, processed.Offset);
            }
        };
    }

    /// <summary>Stops the host when process <paramref name="processId"/> exits, so a drill's children never outlive it.</summary>
    public static void StopWithProcess(IHost host, int? processId)
    {
        if (processId is not { } id)
        {
            return;
        }

        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        _ = Task.Run(async () =>
        {
            while (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                if (!IsRunning(id))
                {
                    lifetime.StopApplication();
                    return;
                }

                await Task.Delay(1000, CancellationToken.None).ConfigureAwait(false);
            }
        });
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
