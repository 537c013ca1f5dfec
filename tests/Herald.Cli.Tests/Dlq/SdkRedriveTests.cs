using System.Diagnostics;
using Herald.Cli.Tests.EndToEnd;
using Herald.Consuming;
using Herald.Contracts;
using Herald.DeadLetters;
using Herald.Publishing;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Cli.Tests.Dlq;

/// <summary>The SDK's consumer host and <c>herald dlq redrive</c> together, as an operator meets them during an incident.</summary>
[Trait("Category", "EndToEnd")]
public sealed class SdkRedriveTests(BrokerFixture broker) : IClassFixture<BrokerFixture>
{
    [Fact]
    public async Task A_dead_letter_of_the_sdk_is_redriven_with_a_reason_handled_exactly_once_and_refused_a_second_time()
    {
        var topic = TestBroker.UniqueName("orders");
        var dlq = DeadLetterHeaders.TopicFor(topic);
        var orderId = TestBroker.UniqueName("order");
        var database = new TempSqliteFile("sdk-redrive", "billing.db");
        database.Create();
        try
        {
            await ChargePayment.EnsureTableAsync(database.ConnectionString);
            ChargePayment.TakeDown(orderId);
            using var host = await StartBillingAsync(broker.Bootstrap, database.ConnectionString, topic, TestBroker.UniqueName("billing"));
            var metrics = host.Services.GetRequiredService<ConsumerMetrics>();

            // Published inside a request's trace; no listener is needed for the trace context to travel.
            using (new Activity("POST /orders").Start())
            {
                await host.Services.GetRequiredService<IEventPublisher>().PublishAsync(new OrderPlaced(orderId, 12.5m));
            }

            await WaitUntilAsync(() => metrics.DeadLettered >= 1, "the payment service outage to dead-letter the order");
            Assert.Equal(ChargePayment.Retries.MaxAttempts, ChargePayment.Attempts(orderId));
            Assert.Equal(0, await ChargePayment.CountAsync(database.ConnectionString, orderId));

            ChargePayment.BringBack(orderId);
            var redrive = await Herald("dlq", "redrive", topic, "--offset", "0", "--reason", "payment service back (INC-7)");

            Assert.True(redrive.ExitCode == 0, redrive.ToString());
            Assert.Contains($"redrove {dlq}:0:0 to {topic}:0:1", redrive.Stderr, StringComparison.Ordinal);
            await WaitUntilAsync(() => metrics.Handled >= 1, "the redriven order to be handled", () => $"{metrics.DeadLettered} dead letter(s), {ChargePayment.Attempts(orderId)} handler run(s)");
            Assert.Equal(1, await ChargePayment.CountAsync(database.ConnectionString, orderId));
            Assert.Equal(1, metrics.DeadLettered);

            var again = await Herald("dlq", "redrive", topic, "--offset", "0", "--reason", "once more");

            Assert.True(again.ExitCode == 1, again.ToString());
            Assert.Equal($"error: dead letter {dlq}:0:0 was already redriven (see herald.audit); nothing to do", Assert.Single(again.StderrLines));

            // The redriven record is the SDK's event (same envelope, same trace), plus who redrove it and why.
            var seed = new DeadLetterSeed(broker.Bootstrap);
            var records = seed.ReadAll(topic);
            Assert.Equal(2, records.Count);
            var (original, redriven) = (records[0], records[1]);
            Assert.Equal(DeadLetterSeed.Header(original, EnvelopeHeaders.EventId), DeadLetterSeed.Header(redriven, EnvelopeHeaders.EventId));
            Assert.Equal("OrderPlaced", DeadLetterSeed.Header(redriven, EnvelopeHeaders.EventType));
            Assert.StartsWith("00-", DeadLetterSeed.Header(original, "traceparent"), StringComparison.Ordinal);
            Assert.Equal(DeadLetterSeed.Header(original, "traceparent"), DeadLetterSeed.Header(redriven, "traceparent"));
            Assert.Equal($"{dlq}:0:0", DeadLetterSeed.Header(redriven, DeadLetterHeaders.RedrivenFrom));
            Assert.Equal("payment service back (INC-7)", DeadLetterSeed.Header(redriven, DeadLetterHeaders.RedriveReason));
            Assert.Single(seed.ReadAll(dlq));
            await host.StopAsync();
        }
        finally
        {
            database.Delete();
        }
    }

    private Task<CliRun> Herald(params string[] args) => CliRun.RunAsync([.. args, "--bootstrap", broker.Bootstrap]);

    private static async Task<IHost> StartBillingAsync(string bootstrap, string database, string topic, string group)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services
            .AddHerald(o => o.Bootstrap(bootstrap).UseSqlite(database).Topic<OrderPlaced>(topic))
            .AddConsumer<ChargePayment>(topic, group, c => c.Retry(ChargePayment.Retries));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, Func<string>? state = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}{(state is null ? null : $" ({state()})")}");
            await Task.Delay(25);
        }
    }
}

public sealed record OrderPlaced([property: PartitionKey] string OrderId, decimal Amount);

/// <summary>Charges an order in the inbox's transaction; fails while the payment service is down for that order.</summary>
public sealed class ChargePayment : IEventHandler<OrderPlaced>
{
    public static readonly RetryPolicy Retries = new() { ImmediateRetries = 1, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(20) };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Down = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> AttemptsByOrder = new();

    public static void TakeDown(string orderId) => Down[orderId] = true;

    public static void BringBack(string orderId) => Down[orderId] = false;

    public static int Attempts(string orderId) => AttemptsByOrder.GetValueOrDefault(orderId);

    public static async Task EnsureTableAsync(string database)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE charges (order_id TEXT NOT NULL, amount TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> CountAsync(string database, string orderId)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM charges WHERE order_id = @order";
        command.Parameters.AddWithValue("order", orderId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task HandleAsync(OrderPlaced @event, EventContext context, CancellationToken cancellationToken)
    {
        AttemptsByOrder.AddOrUpdate(@event.OrderId, 1, (_, n) => n + 1);
        if (Down.GetValueOrDefault(@event.OrderId))
        {
            throw new TimeoutException("payment service timed out");
        }

        await using var command = context.Connection.CreateCommand();
        command.Transaction = context.Transaction;
        command.CommandText = "INSERT INTO charges (order_id, amount) VALUES (@order, @amount)";
        var order = command.CreateParameter();
        order.ParameterName = "order";
        order.Value = @event.OrderId;
        command.Parameters.Add(order);
        var amount = command.CreateParameter();
        amount.ParameterName = "amount";
        amount.Value = @event.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        command.Parameters.Add(amount);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
