using Herald.Outbox;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Orders.Contracts;

namespace Orders.Services.Ordering;

/// <summary>The body of <c>POST /orders</c>.</summary>
/// <param name="CustomerId">Who orders.</param>
/// <param name="Amount">What the payment service charges.</param>
/// <param name="Lines">What the inventory service reserves.</param>
public sealed record PlaceOrder(string? CustomerId, decimal Amount, IReadOnlyList<OrderLine>? Lines);

/// <summary><c>POST /orders</c> and <c>GET /orders/{id}</c>.</summary>
public static class OrderEndpoints
{
    public static IEndpointRouteBuilder MapOrders(this IEndpointRouteBuilder app, string connectionString)
    {
        app.MapPost("/orders", (PlaceOrder order, IOutbox outbox, HttpResponse response, CancellationToken cancellationToken) => PlaceAsync(order, outbox, response, connectionString, cancellationToken));
        app.MapGet("/orders/{orderId:guid}", (Guid orderId, OrderQueries queries, CancellationToken cancellationToken) => GetAsync(orderId, queries, cancellationToken));
        return app;
    }

    /// <summary>
    /// Writes the order row and its OrderCreated event in one SQLite transaction: the event is published (by the outbox
    /// relay, later) if and only if the order was stored — also while the broker is down, which is why this returns 202.
    /// </summary>
    private static async Task<IResult> PlaceAsync(PlaceOrder request, IOutbox outbox, HttpResponse response, string connectionString, CancellationToken cancellationToken)
    {
        if (request.Lines is not { Count: > 0 } lines || lines.Any(l => string.IsNullOrWhiteSpace(l.Sku) || l.Quantity <= 0) || request.Amount <= 0)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "an order needs an amount above zero and at least one line with a sku and a quantity above zero");
        }

        var order = new OrderRow(Guid.CreateVersion7(), request.CustomerId ?? "anonymous", request.Amount, lines, DateTime.UtcNow);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = connection.BeginTransaction(deferred: false);
        try
        {
            await OrderTable.InsertAsync(connection, transaction, order, cancellationToken).ConfigureAwait(false);
            await outbox.EnqueueAsync(new OrderCreated(order.OrderId, order.CustomerId, order.Amount, order.Lines), transaction, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OutboxBacklogExceededException e)
        {
            // The broker has been down long enough that the outbox refuses more work: say so, and when to come back.
            var seconds = Math.Max(1, (int)Math.Ceiling(e.RetryAfter.TotalSeconds));
            response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "orders are not accepted right now", detail: e.Message);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return Results.Accepted($"/orders/{order.OrderId}", new { orderId = order.OrderId });
    }

    private static async Task<IResult> GetAsync(Guid orderId, OrderQueries queries, CancellationToken cancellationToken) =>
        await queries.FindAsync(orderId, cancellationToken).ConfigureAwait(false) is { } view ? Results.Ok(view) : Results.NotFound();
}
