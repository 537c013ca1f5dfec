using System.Globalization;
using System.Text.Json;
using Herald.Consuming;
using Microsoft.Data.Sqlite;
using Orders.Contracts;
using Orders.Services.Hosting;

namespace Orders.Services.Inventory;

/// <summary>A reservation's state; one row per order in <c>reservations</c>.</summary>
public static class ReservationStatus
{
    public const string Reserved = "reserved";
    public const string Failed = "failed";
    public const string Released = "released";

    /// <summary>The tombstone of an order cancelled before it was reserved.</summary>
    public const string Voided = "voided";
}

/// <summary>One order's reservation row.</summary>
public sealed record Reservation(Guid OrderId, string? ReservationId, string Status, IReadOnlyList<OrderLine> Lines);

/// <summary>The inventory service's SQLite tables: <c>stock</c> (units available per SKU) and <c>reservations</c>.</summary>
public static class InventoryTables
{
    /// <summary>The catalogue a new inventory database starts with: plenty of widgets and gadgets, only three gizmos.</summary>
    public static readonly IReadOnlyDictionary<string, int> InitialStock = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["widget"] = 1_000_000,
        ["gadget"] = 10_000,
        ["gizmo"] = 3,
    };

    public static async Task EnsureCreatedAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Sql.ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS stock (sku TEXT PRIMARY KEY, available INTEGER NOT NULL CHECK (available >= 0));
            CREATE TABLE IF NOT EXISTS reservations (order_id TEXT PRIMARY KEY, reservation_id TEXT NULL, status TEXT NOT NULL, lines TEXT NOT NULL, updated_at TEXT NOT NULL);
            """, cancellationToken).ConfigureAwait(false);
        foreach (var (sku, units) in InitialStock)
        {
            await Sql.ExecuteAsync(connection, transaction, "INSERT OR IGNORE INTO stock (sku, available) VALUES (@sku, @units)", cancellationToken, ("@sku", sku), ("@units", units)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<Reservation?> FindAsync(EventContext context, Guid orderId, CancellationToken cancellationToken)
    {
        await using var command = Sql.Command(context.Connection, context.Transaction, "SELECT reservation_id, status, lines FROM reservations WHERE order_id = @order", ("@order", Sql.Id(orderId)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new Reservation(orderId, reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), JsonSerializer.Deserialize<OrderLine[]>(reader.GetString(2)) ?? [])
            : null;
    }

    /// <summary>Why the lines cannot all be reserved, or null when they can.</summary>
    public static async Task<string?> FindShortageAsync(EventContext context, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines.GroupBy(l => l.Sku, StringComparer.Ordinal))
        {
            var wanted = line.Sum(l => l.Quantity);
            await using var command = Sql.Command(context.Connection, context.Transaction, "SELECT available FROM stock WHERE sku = @sku", ("@sku", line.Key));
            var available = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is { } value and not DBNull ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : (int?)null;
            if (available is null)
            {
                return $"unknown sku '{line.Key}'";
            }

            if (available < wanted)
            {
                return $"short of {line.Key}: {available} available, {wanted} wanted";
            }
        }

        return null;
    }

    public static async Task TakeAsync(EventContext context, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            await Sql.ExecuteAsync(context.Connection, context.Transaction, "UPDATE stock SET available = available - @units WHERE sku = @sku", cancellationToken, ("@sku", line.Sku), ("@units", line.Quantity)).ConfigureAwait(false);
        }
    }

    public static async Task PutBackAsync(EventContext context, IReadOnlyList<OrderLine> lines, CancellationToken cancellationToken)
    {
        foreach (var line in lines)
        {
            await Sql.ExecuteAsync(context.Connection, context.Transaction, "UPDATE stock SET available = available + @units WHERE sku = @sku", cancellationToken, ("@sku", line.Sku), ("@units", line.Quantity)).ConfigureAwait(false);
        }
    }

    public static Task InsertAsync(EventContext context, Guid orderId, string? reservationId, string status, CancellationToken cancellationToken, IReadOnlyList<OrderLine>? lines = null) =>
        Sql.ExecuteAsync(context.Connection, context.Transaction,
            "INSERT INTO reservations (order_id, reservation_id, status, lines, updated_at) VALUES (@order, @reservation, @status, @lines, @at)",
            cancellationToken, ("@order", Sql.Id(orderId)), ("@reservation", reservationId), ("@status", status), ("@lines", JsonSerializer.Serialize(lines ?? [])), ("@at", DateTime.UtcNow));

    public static Task SetStatusAsync(EventContext context, Guid orderId, string status, CancellationToken cancellationToken) =>
        Sql.ExecuteAsync(context.Connection, context.Transaction,
            "UPDATE reservations SET status = @status, updated_at = @at WHERE order_id = @order",
            cancellationToken, ("@order", Sql.Id(orderId)), ("@status", status), ("@at", DateTime.UtcNow));
}
