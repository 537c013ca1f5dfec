using System.Globalization;
using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.Tests.Redis;

/// <summary>
/// A seeded mix of snapshot reads, inserts, updates (some nulling a column), deletes and re-inserts on an <c>orders</c>
/// table, with increasing LSNs, and the table state it leaves.
/// </summary>
internal sealed class OrderWorkload
{
    public static readonly TableSchema Table = new(
        "public",
        "orders",
        [
            new ColumnSchema("id", "int8", "int64", null, Optional: false, IsKey: true),
            new ColumnSchema("status", "text", "string", null, Optional: false, IsKey: false),
            new ColumnSchema("total", "numeric", "string", null, Optional: true, IsKey: false),
            new ColumnSchema("note", "text", "string", null, Optional: true, IsKey: false),
        ],
        ReplicaIdentityFull: false);

    private static readonly string[] Statuses = ["pending", "paid", "shipped", "cancelled"];

    public List<ChangeEvent> Changes { get; } = [];

    /// <summary>The table after all changes: id → column values as Redis stores them (nulls absent).</summary>
    public Dictionary<long, Dictionary<string, string>> Expected { get; } = [];

    public ulong LastLsn { get; private set; } = 10_000;

    public static OrderWorkload Generate(int seed, int changes = 150)
    {
        var workload = new OrderWorkload();
        var random = new Random(seed);
        for (long id = 1; id <= 5; id++)
        {
            workload.Add(ChangeOperation.Read, id, Row(id, "pending", "10.00", null));
        }

        for (var i = 0; i < changes; i++)
        {
            var id = random.NextInt64(1, 16);
            var exists = workload.Expected.ContainsKey(id);
            if (!exists)
            {
                workload.Add(ChangeOperation.Create, id, Row(id, "pending", $"{random.Next(1, 500)}.00", random.Next(3) == 0 ? "gift" : null));
            }
            else if (random.Next(5) == 0)
            {
                workload.Add(ChangeOperation.Delete, id, null);
            }
            else
            {
                var total = random.Next(4) == 0 ? null : $"{random.Next(1, 500)}.{random.Next(10, 99)}";
                workload.Add(ChangeOperation.Update, id, Row(id, Statuses[random.Next(Statuses.Length)], total, random.Next(2) == 0 ? "rush" : null));
            }
        }

        return workload;
    }

    public static JsonObject Row(long id, string status, string? total, string? note) =>
        new() { ["id"] = id, ["status"] = status, ["total"] = total, ["note"] = note };

    public ChangeEvent Add(ChangeOperation operation, long id, JsonObject? after)
    {
        LastLsn += 8;
        var source = new SourceInfo("shop", 1_700_000_000_000, operation == ChangeOperation.Read ? "true" : "false", "shop", "public", "orders", 500, LastLsn, null);
        var change = new ChangeEvent(
            operation, Table, new JsonObject { ["id"] = id }, operation == ChangeOperation.Delete ? new JsonObject { ["id"] = id } : null, after, source, 1_700_000_000_100);
        Changes.Add(change);
        if (after is null)
        {
            Expected.Remove(id);
        }
        else
        {
            Expected[id] = after.Where(p => p.Value is not null)
                .ToDictionary(p => p.Key, p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : p.Value!.ToJsonString());
            Expected[id]["__lsn"] = LastLsn.ToString(CultureInfo.InvariantCulture);
        }

        return change;
    }
}
