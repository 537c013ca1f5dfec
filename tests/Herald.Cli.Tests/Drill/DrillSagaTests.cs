using System.Text.Json;
using Herald.Testing;

namespace Herald.Cli.Tests.Drill;

/// <summary>Drill 4 end to end: the Orders sample's three services as real processes, one of them killed with SIGKILL.</summary>
public sealed class DrillSagaTests
{
    [Fact]
    public async Task Every_scenario_of_drill_4_holds_with_the_services_as_separate_processes_and_none_outlives_the_drill()
    {
        // A 5 s timeout instead of the default 3 s: on a busy test machine a slow answer must not pass for a dead service.
        var run = await CliRun.RunAsync(["drill", "saga", "--saga-timeout", "5", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        Assert.True(root.GetProperty("passed").GetBoolean(), run.Stdout);
        Assert.True(root.GetProperty("embedded_broker").GetBoolean());
        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal(["happy", "inventory-fails", "payment-crash", "inventory-stopped"], scenarios.Keys);
        Assert.All(scenarios.Values, s => Assert.All(s.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.GetProperty("check").GetString())));

        var happy = Order(scenarios["happy"]);
        Assert.Equal("Completed", happy.GetProperty("state").GetString());
        Assert.Equal(["OrderCreated", "PaymentRequested", "PaymentCompleted", "InventoryReserveRequested", "InventoryReserved", "OrderCompleted"], Events(happy));

        var failed = Order(scenarios["inventory-fails"]);
        Assert.Equal("Cancelled", failed.GetProperty("state").GetString());
        Assert.Equal(["InventoryReserveFailed", "OrderCancelled", "PaymentRefunded"], Events(failed)[^3..]);
        Assert.Equal((1, 1), (failed.GetProperty("charges").GetInt32(), failed.GetProperty("refunds").GetInt32()));

        var crashed = scenarios["payment-crash"].GetProperty("orders").EnumerateArray().ToList();
        Assert.Equal(10, crashed.Count);
        Assert.All(crashed, o => Assert.Equal((1, 0, 1), (o.GetProperty("charges").GetInt32(), o.GetProperty("refunds").GetInt32(), Events(o).Count(e => e == "PaymentCompleted"))));

        var stopped = Order(scenarios["inventory-stopped"]);
        Assert.True(stopped.GetProperty("timed_out").GetBoolean());
        Assert.Contains(stopped.GetProperty("history").EnumerateArray(), h => h.GetString()!.Contains("compensation: ReservationTimedOut", StringComparison.Ordinal));
        Assert.DoesNotContain("InventoryReserved", Events(stopped));

        // The payment service ran twice (killed, then restarted); the drill kills whatever still runs when it ends.
        var processes = DrillProcesses.Of(root);
        Assert.Equal(2, processes["payment"].Length);
        Assert.All(processes.Values.SelectMany(ids => ids), id => Assert.False(DrillProcesses.IsRunning(id), $"process {id} outlived the drill"));
    }

    [Fact]
    public async Task Without_a_saga_timeout_a_stopped_inventory_service_is_never_compensated_and_the_drill_fails()
    {
        var broker = await TestBroker.Shared;

        var run = await CliRun.RunAsync(["drill", "saga", "--bootstrap", broker.KafkaBootstrap, "--scenario", "inventory-stopped", "--saga-timeout", "0", "--step-timeout", "6", "--json"]);

        Assert.True(run.ExitCode == 1, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        var root = result.RootElement;
        Assert.False(root.GetProperty("passed").GetBoolean());
        Assert.False(root.GetProperty("embedded_broker").GetBoolean());
        var scenario = Assert.Single(root.GetProperty("scenarios").EnumerateArray());
        Assert.False(scenario.GetProperty("passed").GetBoolean());
        var order = Order(scenario);
        Assert.Equal("AwaitingInventory", order.GetProperty("state").GetString());
        Assert.False(order.GetProperty("timed_out").GetBoolean());
        Assert.DoesNotContain("OrderCancelled", Events(order));
        Assert.Equal((1, 0), (order.GetProperty("charges").GetInt32(), order.GetProperty("refunds").GetInt32()));
    }

    [Fact]
    public async Task With_its_data_in_postgresql_the_payment_service_killed_mid_saga_still_charges_each_order_once()
    {
        var postgres = await (await PostgresCluster.Shared).CreateDatabaseAsync("drillpayments");
        var broker = await TestBroker.Shared;

        var run = await CliRun.RunAsync(["drill", "saga", "--bootstrap", broker.KafkaBootstrap, "--payment-postgres", postgres, "--scenario", "happy", "--scenario", "payment-crash", "--saga-timeout", "30", "--json"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var result = JsonDocument.Parse(run.Stdout);
        Assert.Equal("postgresql", result.RootElement.GetProperty("payment_database").GetString());
        var orders = result.RootElement.GetProperty("scenarios").EnumerateArray().SelectMany(s => s.GetProperty("orders").EnumerateArray()).Select(o => o.GetProperty("order_id").GetString()).ToList();
        Assert.Equal(11, orders.Count);

        // The ledger the drill checked lives in PostgreSQL: one charge per order, nothing else.
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT order_id, count(*) FROM payment_ledger WHERE kind = 'charge' GROUP BY order_id", connection);
        var charges = new Dictionary<string, long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                charges[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        Assert.Equal(orders.Order(), charges.Keys.Order());
        Assert.All(charges.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task An_unknown_scenario_is_a_usage_error()
    {
        var run = await CliRun.RunAsync(["drill", "saga", "--scenario", "teleport"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("teleport", run.Stderr, StringComparison.Ordinal);
    }

    private static JsonElement Order(JsonElement scenario) => Assert.Single(scenario.GetProperty("orders").EnumerateArray());

    private static string[] Events(JsonElement order) => [.. order.GetProperty("events").EnumerateArray().Select(e => e.GetString()!)];
}
