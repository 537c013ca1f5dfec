using Orders.Contracts;

namespace Orders.Services.Ordering;

/// <summary>What <c>GET /orders/{id}</c> returns: the order as accepted and where its saga is.</summary>
public sealed record OrderView(Guid OrderId, string CustomerId, decimal Amount, IReadOnlyList<OrderLine> Lines, DateTime CreatedAt);

/// <summary>Reads orders with their saga's state.</summary>
public sealed class OrderQueries(string connectionString)
{
    public async Task<OrderView?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await OrderTable.FindAsync(connectionString, orderId, cancellationToken).ConfigureAwait(false);
        return order is null ? null : new OrderView(order.OrderId, order.CustomerId, order.Amount, order.Lines, order.CreatedAt);
    }
}
