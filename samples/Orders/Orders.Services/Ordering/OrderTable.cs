using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Orders.Contracts;
using Orders.Services.Hosting;

namespace Orders.Services.Ordering;

/// <summary>An order as the order service stored it when it accepted it.</summary>
public sealed record OrderRow(Guid OrderId, string CustomerId, decimal Amount, IReadOnlyList<OrderLine> Lines, DateTime CreatedAt);

/// <summary>The order service's own table, <c>orders</c>, in the same SQLite file as its inbox, outbox and saga state.</summary>
public static class OrderTable
{
    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS orders (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, amount NUMERIC NOT NULL, lines TEXT NOT NULL, created_at TEXT NOT NULL)";
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public static Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, OrderRow order, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(connection, transaction,
            "INSERT INTO orders (order_id, customer_id, amount, lines, created_at) VALUES (@order, @customer, @amount, @lines, @at)",
            cancellationToken, ("@order", Sql.Id(order.OrderId)), ("@customer", order.CustomerId), ("@amount", order.Amount), ("@lines", JsonSerializer.Serialize(order.Lines)), ("@at", order.CreatedAt));

    public static async Task<OrderRow?> FindAsync(string connectionString, Guid orderId, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT customer_id, amount, lines, created_at FROM orders WHERE order_id = @order";
        command.Parameters.AddWithValue("@order", Sql.Id(orderId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new OrderRow(orderId, reader.GetString(0), Convert.ToDecimal(reader.GetValue(1), CultureInfo.InvariantCulture), JsonSerializer.Deserialize<OrderLine[]>(reader.GetString(2)) ?? [], reader.GetDateTime(3))
            : null;
    }
}
