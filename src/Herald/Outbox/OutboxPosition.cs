using System.Globalization;

namespace Herald.Outbox;

/// <summary>Where a row sits in the outbox's commit order: compared by transaction, then by row.</summary>
/// <param name="Transaction">
/// The writing transaction's id where the store orders by it (PostgreSQL's <c>xid8</c>); 0 where row order already is
/// commit order (SQLite, which has one writer at a time).
/// </param>
/// <param name="Row">The row's position within the table (an identity / autoincrement value).</param>
public readonly record struct OutboxPosition(ulong Transaction, long Row) : IComparable<OutboxPosition>
{
    /// <summary>Before every row: where a relay with no cursor starts.</summary>
    public static OutboxPosition Start => default;

    public int CompareTo(OutboxPosition other) =>
        Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Row.CompareTo(other.Row);

    public static bool operator <(OutboxPosition left, OutboxPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(OutboxPosition left, OutboxPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(OutboxPosition left, OutboxPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(OutboxPosition left, OutboxPosition right) => left.CompareTo(right) >= 0;

    /// <summary><c>tx:row</c>, or just the row when there is no transaction id.</summary>
    public override string ToString() => Transaction == 0
        ? Row.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Transaction}:{Row}");
}
