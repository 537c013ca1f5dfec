using System.Data.Common;
using System.Globalization;
using Herald.Consuming;
using Orders.Services.Hosting;

namespace Orders.Services.Payments;

/// <summary>A payment's state; one row per order in <c>payments</c>.</summary>
public static class PaymentStatus
{
    public const string Charged = "charged";
    public const string Refunded = "refunded";
    public const string Declined = "declined";

    /// <summary>The tombstone of an order cancelled before it was charged.</summary>
    public const string Voided = "voided";
}

/// <summary>The kinds of money movement in the <c>payment_ledger</c>.</summary>
public static class LedgerEntry
{
    public const string Charge = "charge";
    public const string Refund = "refund";
}

/// <summary>One order's payment row.</summary>
public sealed record Payment(Guid OrderId, string? PaymentId, decimal Amount, string Status);

/// <summary>
/// The payment service's tables: <c>payments</c> (one row per order: the idempotency key of both steps) and
/// <c>payment_ledger</c> (every money movement, append-only: what the gateway was asked to do, and what drills count).
/// </summary>
public static class PaymentTables
{
    public static string CreateSql(bool postgres) => postgres
        ? """
          CREATE TABLE IF NOT EXISTS payments (order_id text PRIMARY KEY, payment_id text NULL, amount numeric NOT NULL, status text NOT NULL, updated_at timestamptz NOT NULL);
          CREATE TABLE IF NOT EXISTS payment_ledger (entry_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, order_id text NOT NULL, payment_id text NOT NULL, kind text NOT NULL, amount numeric NOT NULL, at timestamptz NOT NULL);
          """
        : """
          CREATE TABLE IF NOT EXISTS payments (order_id TEXT PRIMARY KEY, payment_id TEXT NULL, amount NUMERIC NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL);
          CREATE TABLE IF NOT EXISTS payment_ledger (entry_id INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL, payment_id TEXT NOT NULL, kind TEXT NOT NULL, amount NUMERIC NOT NULL, at TEXT NOT NULL);
          """;

    public static async Task<Payment?> FindAsync(EventContext context, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(context.Connection, context.Transaction, "SELECT payment_id, amount, status FROM payments WHERE order_id = @order", ("@order", Sql.Id(orderId)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Payment(orderId, reader.IsDBNull(0) ? null : reader.GetString(0), Convert.ToDecimal(reader.GetValue(1), CultureInfo.InvariantCulture), reader.GetString(2))
            : null;
    }

    public static Task InsertAsync(EventContext context, Guid orderId, string? paymentId, decimal amount, string status, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(context.Connection, context.Transaction,
            "INSERT INTO payments (order_id, payment_id, amount, status, updated_at) VALUES (@order, @payment, @amount, @status, @at)",
            cancellationToken, ("@order", Sql.Id(orderId)), ("@payment", paymentId), ("@amount", amount), ("@status", status), ("@at", DateTime.UtcNow));

    public static Task SetStatusAsync(EventContext context, Guid orderId, string status, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(context.Connection, context.Transaction,
            "UPDATE payments SET status = @status, updated_at = @at WHERE order_id = @order",
            cancellationToken, ("@order", Sql.Id(orderId)), ("@status", status), ("@at", DateTime.UtcNow));

    public static Task AppendLedgerAsync(EventContext context, Guid orderId, string paymentId, string kind, decimal amount, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(context.Connection, context.Transaction,
            "INSERT INTO payment_ledger (order_id, payment_id, kind, amount, at) VALUES (@order, @payment, @kind, @amount, @at)",
            cancellationToken, ("@order", Sql.Id(orderId)), ("@payment", paymentId), ("@kind", kind), ("@amount", amount), ("@at", DateTime.UtcNow));

    /// <summary>Charges and refunds per order, read on an open connection to the payment database (for drills and checks).</summary>
    public static async Task<IReadOnlyDictionary<Guid, (int Charges, int Refunds)>> CountLedgerAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT order_id, SUM(CASE WHEN kind = '{LedgerEntry.Charge}' THEN 1 ELSE 0 END), SUM(CASE WHEN kind = '{LedgerEntry.Refund}' THEN 1 ELSE 0 END) FROM payment_ledger GROUP BY order_id";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<Guid, (int, int)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts[Guid.Parse(reader.GetString(0))] = (Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture));
        }

        return counts;
    }
}
