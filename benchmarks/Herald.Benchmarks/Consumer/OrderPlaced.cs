using System.Data.Common;
using Herald.Consuming;
using Herald.Contracts;

namespace Herald.Benchmarks.Consumer;

/// <summary>The benchmark's event: a small JSON payload, keyed by order id.</summary>
public sealed record OrderPlaced([property: PartitionKey] string OrderId, string Customer, int Amount);

/// <summary>Inserts one row per event into <c>bench_orders</c> in the inbox transaction: the smallest realistic handler.</summary>
public sealed class RecordOrder : IEventHandler<OrderPlaced>
{
    public const string CreateTable = "CREATE TABLE IF NOT EXISTS bench_orders (order_id TEXT NOT NULL, customer TEXT NOT NULL, amount INTEGER NOT NULL)";

    public Task HandleAsync(OrderPlaced @event, EventContext context, CancellationToken cancellationToken) =>
        InsertAsync(context.Connection, context.Transaction, @event, cancellationToken);

    /// <summary>The handler's statement, shared with the inbox-alone profile so both do the same work.</summary>
    public static async Task InsertAsync(DbConnection connection, DbTransaction transaction, OrderPlaced @event, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO bench_orders (order_id, customer, amount) VALUES (@order, @customer, @amount)";
        Add(command, "@order", @event.OrderId);
        Add(command, "@customer", @event.Customer);
        Add(command, "@amount", @event.Amount);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
