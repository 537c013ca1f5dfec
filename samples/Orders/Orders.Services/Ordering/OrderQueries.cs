using Herald.Sagas;
using Orders.Contracts;

namespace Orders.Services.Ordering;

/// <summary>What <c>GET /orders/{id}</c> returns: the order as accepted and where its saga stands.</summary>
/// <param name="Step">The saga's step (null until the saga has read OrderCreated: the relay may still hold it).</param>
/// <param name="Saga">The saga instance with its history, from the saga query API.</param>
public sealed record OrderView(Guid OrderId, string CustomerId, decimal Amount, IReadOnlyList<OrderLine> Lines, DateTime CreatedAt, string? Step, SagaInstance? Saga);

/// <summary>Reads orders with their saga's state.</summary>
public sealed class OrderQueries(string connectionString)
{
    private readonly SqliteSagaStore _sagas = new(connectionString);

    public async Task<OrderView?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var order = await OrderTable.FindAsync(connectionString, orderId, cancellationToken).ConfigureAwait(false);
        if (order is null)
        {
            return null;
        }

        var saga = await _sagas.GetAsync(OrderSaga.SagaName, orderId.ToString(), cancellationToken).ConfigureAwait(false);
        return new OrderView(order.OrderId, order.CustomerId, order.Amount, order.Lines, order.CreatedAt, saga?.Summary.Step, saga);
    }
}
