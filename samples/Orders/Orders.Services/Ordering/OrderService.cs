using System.Text.Json;
using System.Text.Json.Serialization;
using Herald.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orders.Services.Hosting;

namespace Orders.Services.Ordering;

/// <summary>
/// The order service: <c>POST /orders</c> writes an order and its OrderCreated through the outbox; the order saga
/// (<see cref="OrderSaga"/>) drives payment and inventory and compensates on failure or timeout.
/// </summary>
public static class OrderService
{
    /// <summary>Runs until <paramref name="cancellationToken"/> fires, Ctrl-C or SIGTERM; prints one <c>ready</c> line with its HTTP address.</summary>
    public static async Task RunAsync(OrderServiceOptions options, CancellationToken cancellationToken = default)
    {
        var connectionString = $"Data Source={options.Database}";
        await OrderFlowHosting.EnsureTopicAsync(options.Common, cancellationToken).ConfigureAwait(false);
        await OrderTable.EnsureCreatedAsync(connectionString, cancellationToken).ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder();
        OrderFlowHosting.ConfigureLogging(builder.Logging);
        builder.WebHost.UseUrls($"http://{options.Http}");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new OrderQueries(connectionString));

        // History kinds and emission kinds read as words ("compensation"), not enum numbers, in GET /orders/{id}.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.AddHerald(o =>
            {
                o.UseOrderFlow(options.Common).UseSqlite(connectionString);
                if (options.MaxBacklog is { } rows)
                {
                    // Past this backlog the outbox refuses new work, which POST /orders turns into a 503.
                    o.Outbox(r => r with { Backlog = r.Backlog with { MaxRows = rows }, WhenBacklogExceeded = BrokerDownMode.Reject });
                }
            })
            // The saga's definition carries the timeout from the command line.
            .AddSaga(new OrderSaga(options.SagaTimeout), options.Common.Topic, options.Common.Group);

        await using var app = builder.Build();
        app.MapOrders(connectionString);
        OrderFlowHosting.KnowEveryContract(app.Services);
        OrderFlowHosting.LogDuplicates(app.Services, "order");
        OrderFlowHosting.StopWithProcess(app, options.Common.ExitWithProcess);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"order service ready: {string.Join(' ', app.Urls)}, {options.Database}, topic {options.Common.Topic}, group {options.Common.Group}, saga timeout {(options.SagaTimeout is { } t ? $"{t.TotalSeconds:0.###} s" : "none")}{(options.MaxBacklog is { } max ? $", refusing orders past {max} outbox rows" : "")}");
        await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }
}
