using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orders.Services.Hosting;

namespace Orders.Services.Inventory;

/// <summary>The inventory service: <see cref="InventoryHandlers"/> on the order-flow topic, with stock, inbox and outbox in one SQLite file.</summary>
public static class InventoryService
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires, Ctrl-C or SIGTERM; prints one <c>ready</c> line once it consumes.</summary>
    public static async Task RunAsync(InventoryOptions options, CancellationToken cancellationToken = default)
    {
        var connectionString = $"Data Source={options.Database}";
        await OrderFlowHosting.EnsureTopicAsync(options.Common, cancellationToken).ConfigureAwait(false);
        await InventoryTables.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);

        var builder = Host.CreateApplicationBuilder();
        OrderFlowHosting.ConfigureLogging(builder.Logging);
        builder.Services.AddSingleton(options);
        builder.Services.AddHerald(o => o.UseOrderFlow(options.Common).UseSqlite(connectionString))
            .AddConsumer<InventoryHandlers>(options.Common.Topic, options.Common.Group);

        using var host = builder.Build();
        OrderFlowHosting.KnowEveryContract(host.Services);
        OrderFlowHosting.LogDuplicates(host.Services, "inventory");
        OrderFlowHosting.StopWithProcess(host, options.Common.ExitWithProcess);
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"inventory service ready: {options.Database}{(options.FailEveryReservation ? " (--fail: every reservation fails)" : "")}, topic {options.Common.Topic}, group {options.Common.Group}");
        await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }
}
