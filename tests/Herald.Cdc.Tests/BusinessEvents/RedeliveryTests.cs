using System.Collections.Concurrent;
using Herald.Cdc.BusinessEvents;
using Herald.Cdc.Tests.Capture;
using Herald.Consuming;
using Herald.Contracts;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.Cdc.Tests.BusinessEvents;

/// <summary>A change the connector sends twice becomes one event id, and Herald's consumer inbox applies it once.</summary>
public sealed class RedeliveryTests
{
    [Fact]
    public async Task A_change_resent_from_an_unconfirmed_slot_has_one_event_id_and_its_effect_once()
    {
        await using var context = await CaptureContext.CreateAsync();
        await context.ExecuteAsync("""
            CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, total numeric);
            ALTER TABLE orders REPLICA IDENTITY FULL;
            INSERT INTO orders VALUES (42, 'pending', 12.50)
            """);
        var topic = TestBroker.UniqueName("orders-facts");
        var rules = new BusinessEventRules()
            .When("public.orders").ColumnChanged("status", from: "pending", to: "paid").ToTopic(topic)
            .Emit(change => new OrderPaid(change.After!["id"]!.GetValue<long>(), change.After!["total"]!.ToString()));
        var options = context.Options("orders") with { Transform = new BusinessEventTransform(rules) };

        var database = new TempSqliteFile("cdc-facts", "app.db");
        database.Create();
        try
        {
            await RecordPayment.EnsureTableAsync(database.ConnectionString);
            using var host = await StartConsumerAsync(context.Bootstrap, database.ConnectionString, topic);
            var metrics = host.Services.GetRequiredService<ConsumerMetrics>();
            var outcomes = new ConcurrentQueue<ProcessedEvent>();
            metrics.Processed += outcomes.Enqueue;

            // The slot as it stands before the update, kept as a copy: the state a crash before confirming leaves behind.
            var connector = await context.StartAsync(options);
            var unconfirmed = context.Slot + "_unconfirmed";
            await context.ExecuteAsync($"SELECT pg_copy_logical_replication_slot('{context.Slot}', '{unconfirmed}')");
            var update = (ulong)await context.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>(
                "BEGIN; UPDATE orders SET status = 'paid' WHERE id = 42; SELECT pg_current_wal_insert_lsn(); COMMIT");
            await CaptureContext.EventuallyAsync(() => Task.FromResult(metrics.Handled >= 1), "the first delivery to be handled");
            await context.StopAsync(connector);

            // Restarted from the copy, the connector streams the update again: same source LSN, same fact.
            var copy = (ulong)await context.ScalarAsync<NpgsqlTypes.NpgsqlLogSequenceNumber>(
                $"SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '{unconfirmed}'");
            Assert.True(copy < update, $"the copied slot confirmed {copy}, past the update (at {update}): nothing would be re-sent");
            connector = await context.StartAsync(options with { SlotName = unconfirmed, PublicationName = context.Slot, InitialSnapshot = false });
            await CaptureContext.EventuallyAsync(() => Task.FromResult(metrics.DuplicatesSkipped >= 1), "the re-sent fact to be skipped as a duplicate");
            await context.StopAsync(connector);

            var facts = context.Consume(topic, 2);
            Assert.Equal(2, facts.Count);
            var eventId = facts[0].Headers[EnvelopeHeaders.EventId];
            Assert.True(Guid.TryParse(eventId, out var parsed) && parsed.Version == 5, $"event_id {eventId} is not a name-based UUID");
            Assert.Equal(eventId, facts[1].Headers[EnvelopeHeaders.EventId]);
            Assert.Equal(facts[0].Value, facts[1].Value);

            Assert.Equal(1, metrics.Handled);
            Assert.Equal(1, metrics.DuplicatesSkipped);
            Assert.All(outcomes, o => Assert.Equal(parsed, o.EventId));
            Assert.Equal(1, await RecordPayment.CountAsync(database.ConnectionString, 42));
            await host.StopAsync();
        }
        finally
        {
            database.Delete();
        }
    }

    private static async Task<IHost> StartConsumerAsync(string bootstrap, string database, string topic)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services
            .AddHerald(o => o.Bootstrap(bootstrap).UseSqlite(database).Topic<OrderPaid>(topic))
            .AddConsumer<RecordPayment>(topic, TestBroker.UniqueName("payments"));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}

/// <summary>Records one payment row per <see cref="OrderPaid"/>, in the inbox's transaction.</summary>
public sealed class RecordPayment : IEventHandler<OrderPaid>
{
    public static async Task EnsureTableAsync(string database)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE payments (order_id INTEGER NOT NULL, total TEXT NOT NULL, row_id INTEGER PRIMARY KEY AUTOINCREMENT)";
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> CountAsync(string database, long orderId)
    {
        await using var connection = new SqliteConnection(database);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM payments WHERE order_id = {orderId}";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public async Task HandleAsync(OrderPaid @event, EventContext context, CancellationToken cancellationToken)
    {
        await using var command = context.Connection.CreateCommand();
        command.Transaction = context.Transaction;
        command.CommandText = "INSERT INTO payments (order_id, total) VALUES (@order, @total)";
        var order = command.CreateParameter();
        order.ParameterName = "order";
        order.Value = @event.OrderId;
        command.Parameters.Add(order);
        var total = command.CreateParameter();
        total.ParameterName = "total";
        total.Value = @event.Total;
        command.Parameters.Add(total);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
