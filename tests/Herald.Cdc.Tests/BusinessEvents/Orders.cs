using System.Text.Json.Nodes;
using Herald.Cdc.Model;
using Herald.Contracts;

namespace Herald.Cdc.Tests.BusinessEvents;

[EventContract(Topic = "orders.facts")]
public sealed record OrderPaid([property: PartitionKey] long OrderId, string Total);

[EventContract(Topic = "orders.facts")]
public sealed record OrderPlaced([property: PartitionKey] long OrderId);

/// <summary>Changes to an <c>orders</c> table under REPLICA IDENTITY FULL.</summary>
internal static class Orders
{
    public static readonly TableSchema Table = new(
        "public",
        "orders",
        [
            new ColumnSchema("id", "int8", "int64", null, Optional: false, IsKey: true),
            new ColumnSchema("status", "text", "string", null, Optional: false, IsKey: false),
            new ColumnSchema("total", "numeric", "string", null, Optional: true, IsKey: false),
        ],
        ReplicaIdentityFull: true);

    public static JsonObject Row(long id, string status, string total = "12.50") =>
        new() { ["id"] = id, ["status"] = status, ["total"] = total };

    public static ChangeEvent Update(long id, string from, string to, ulong lsn = 1000, long txId = 77, string db = "shop") =>
        new(ChangeOperation.Update, Table, new JsonObject { ["id"] = id }, Row(id, from), Row(id, to), Source(lsn, txId, db), 1_700_000_000_500);

    public static ChangeEvent Insert(long id, string status, ulong lsn = 900) =>
        new(ChangeOperation.Create, Table, new JsonObject { ["id"] = id }, null, Row(id, status), Source(lsn, 70, "shop"), 1_700_000_000_500);

    public static SourceInfo Source(ulong lsn, long txId, string db) =>
        new("shop", 1_700_000_000_000, "false", db, "public", "orders", txId, lsn, null);
}
