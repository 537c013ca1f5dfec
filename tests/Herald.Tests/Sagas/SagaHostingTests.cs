using Herald.Consuming;
using Herald.Contracts;
using Herald.Sagas;
using Herald.Testing;
using Herald.Tests.Sdk;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Sagas;

/// <summary>
/// The order saga hosted with <c>AddSaga</c> next to the payment and inventory participants, against the real broker,
/// the real transactional outbox and relay, and a real database: every event goes through Kafka.
/// </summary>
public sealed class SagaHostingTests
{
    public static TheoryData<string> Databases => ["sqlite", "postgresql"];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Orders_run_through_the_services_to_completed_or_compensated_and_a_silent_payment_times_out(string database)
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("orders");
        var connection = database == "sqlite" ? SdkHost.NewDatabase() : await (await PostgresCluster.Shared).CreateDatabaseAsync("saga_host");
        await using var host = await SdkHost.StartAsync(
            server.KafkaBootstrap,
            o =>
            {
                foreach (var contract in new[]
                {
                    typeof(OrderCreated), typeof(PaymentRequested), typeof(PaymentCompleted), typeof(PaymentFailed), typeof(InventoryReserveRequested),
                    typeof(InventoryReserved), typeof(InventoryReserveFailed), typeof(OrderCancelled), typeof(PaymentRefunded),
                })
                {
                    o.Options.TopicsByContract[contract] = topic;
                }

                o.SagaTimeoutPollInterval(TimeSpan.FromMilliseconds(100));
            },
            h => h.AddSaga<OrderSaga>(topic, TestBroker.UniqueName("order-saga"))
                .AddConsumer<PaymentParticipant>(topic, TestBroker.UniqueName("payment"))
                .AddConsumer<InventoryParticipant>(topic, TestBroker.UniqueName("inventory")),
            connection);
        var query = host.Services.GetRequiredService<HeraldOptions>().Sagas!;

        // The host creates the tables as it starts; share that creation so the first query does not race it.
        await SagaTables.EnsureCreatedAsync(query, CancellationToken.None);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (ok, noInventory, slow) = ($"ok-{suffix}", $"noinv-{suffix}", $"slow-{suffix}");

        await host.Publisher.PublishAsync(new OrderCreated(ok, 30m));
        await host.Publisher.PublishAsync(new OrderCreated(noInventory, 20m));
        await host.Publisher.PublishAsync(new OrderCreated(slow, 10m, PaymentWindowMs: 300));

        var completed = await WaitForStepAsync(query, ok, "Completed");
        Assert.Equal(["OrderCreated", "PaymentCompleted", "InventoryReserved"], completed.ForwardSteps.Select(h => h.EventType));
        Assert.Empty(completed.CompensationSteps);
        Assert.All(completed.History, h => Assert.Equal(topic, h.Topic));

        var compensated = await WaitForStepAsync(query, noInventory, "Cancelled");
        Assert.Equal(["OrderCreated", "PaymentCompleted"], compensated.ForwardSteps.Select(h => h.EventType));
        Assert.Equal(["InventoryReserveFailed", "PaymentRefunded"], compensated.CompensationSteps.Select(h => h.EventType));

        var timedOut = await WaitForStepAsync(query, slow, "Cancelled");
        var fired = Assert.Single(timedOut.CompensationSteps);
        Assert.Equal(("OrderSagaTimedOut", "AwaitingPayment"), (fired.EventType, fired.FromStep));
        Assert.NotNull(Assert.Single(timedOut.Timeouts).FiredAt);

        // The compensations were published to the bus, once each, caused by the step that decided them.
        var cancellations = ReadUntil(server.KafkaBootstrap, topic, records => records.Count(r => Type(r) == "OrderCancelled") >= 2 && records.Any(r => Type(r) == "PaymentRefunded"));
        Assert.Equal([noInventory, slow], cancellations.Where(r => Type(r) == "OrderCancelled").Select(r => r.Message.Key).Order());
        Assert.Equal(noInventory, Assert.Single(cancellations, r => Type(r) == "PaymentRefunded").Message.Key);
        var timeoutCancellation = cancellations.Single(r => Type(r) == "OrderCancelled" && r.Message.Key == slow);
        Assert.Equal(fired.EventId.ToString(), TopicReader.Header(timeoutCancellation, EnvelopeHeaders.CausationId));
        Assert.Equal(0, host.Services.GetRequiredService<SagaMetrics>().Count(SagaOutcome.Discarded));
    }

    [Fact]
    public async Task A_timeout_whose_handler_keeps_failing_is_retried_by_the_consumers_policy_then_marked_failed()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("orders");
        await using var host = await SdkHost.StartAsync(
            server.KafkaBootstrap,
            o => o.Topic<OrderCreated>(topic).SagaTimeoutPollInterval(TimeSpan.FromMilliseconds(50)),
            h => h.AddSaga<FailingTimeoutSaga>(topic, TestBroker.UniqueName("failing"), c => c.Retry(new RetryPolicy { ImmediateRetries = 2, DelayedRetries = 0 })));
        var store = host.Services.GetRequiredService<HeraldOptions>().Sagas!;
        await SagaTables.EnsureCreatedAsync(store, CancellationToken.None);
        var id = TestBroker.UniqueName("o");

        await host.Publisher.PublishAsync(new OrderCreated(id, 1m));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        SagaTimeoutEntry? timeout = null;
        while (timeout?.FailedAt is null)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the timeout did not fail for good: {timeout}");
            await Task.Delay(50);
            timeout = (await store.GetAsync("failing-timeout", id))?.Timeouts.SingleOrDefault();
        }

        Assert.Equal(3, timeout.Attempts);
        Assert.Equal("InvalidOperationException: the warehouse is on fire", timeout.LastError);
        Assert.Null(timeout.FiredAt);
        var instance = (await store.GetAsync("failing-timeout", id))!;
        Assert.Equal(("AwaitingPayment", 1), (instance.Summary.Step, instance.History.Count));
        Assert.Null(instance.NextTimeout);
        Assert.Equal(3, host.Services.GetRequiredService<SagaMetrics>().TimeoutFailures);
    }

    private static async Task<SagaInstance> WaitForStepAsync(ISagaQuery query, string id, string step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var instance = await query.GetAsync("order-fulfilment", id);
            if (instance?.Summary.Step == step)
            {
                return instance;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"order {id} is in step {instance?.Summary.Step ?? "(none)"}, not {step}");
            }

            await Task.Delay(50);
        }
    }

    private static string? Type(Confluent.Kafka.ConsumeResult<string?, byte[]> record) => TopicReader.Header(record, EnvelopeHeaders.EventType);

    /// <summary>Reads every partition of <paramref name="topic"/> from the start until <paramref name="enough"/> holds; fails after 30 s.</summary>
    private static List<Confluent.Kafka.ConsumeResult<string?, byte[]>> ReadUntil(string bootstrap, string topic, Func<List<Confluent.Kafka.ConsumeResult<string?, byte[]>>, bool> enough)
    {
        using var consumer = new Confluent.Kafka.ConsumerBuilder<string?, byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = Guid.NewGuid().ToString("N"),
            AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var records = new List<Confluent.Kafka.ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!enough(records))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"read {records.Count} record(s) from {topic} without seeing what the test waits for");
            }

            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }
}

/// <summary>Schedules a timeout that is due at once and whose handler always throws.</summary>
public sealed class FailingTimeoutSaga : SagaDefinition<OrderSagaState, OrderStep>
{
    protected override void Configure(SagaBuilder<OrderSagaState, OrderStep> saga)
    {
        saga.Name("failing-timeout").CorrelateAllBy("OrderId").Timeout<OrderSagaTimedOut>(TimeSpan.Zero);
        saga.StartedBy<OrderCreated>((state, e, ctx) =>
        {
            ctx.ScheduleTimeout(new OrderSagaTimedOut(e.OrderId));
            return OrderStep.AwaitingPayment;
        }).To(OrderStep.AwaitingPayment);
        saga.During(OrderStep.AwaitingPayment)
            .On<OrderSagaTimedOut>((state, e, ctx) => throw new InvalidOperationException("the warehouse is on fire")).To(OrderStep.Cancelled);
        saga.Finally(OrderStep.Cancelled);
    }
}
