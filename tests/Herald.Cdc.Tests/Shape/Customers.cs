using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.Tests.Shape;

/// <summary>The <c>customers</c> table of Debezium's PostgreSQL documentation, and its documented changes.</summary>
internal static class Customers
{
    public const string Prefix = "PostgreSQL_server";

    public static readonly TableSchema Table = new(
        "public",
        "customers",
        [
            new ColumnSchema("id", "int4", "int32", null, Optional: false, IsKey: true),
            new ColumnSchema("first_name", "varchar", "string", null, Optional: false, IsKey: false),
            new ColumnSchema("last_name", "varchar", "string", null, Optional: false, IsKey: false),
            new ColumnSchema("email", "varchar", "string", null, Optional: false, IsKey: false),
        ],
        ReplicaIdentityFull: false);

    public static SourceInfo Source(ulong lsn = 24023128, string snapshot = "false", long txId = 555) =>
        new(Prefix, 1559033904863, snapshot, "postgres", "public", "customers", txId, lsn, $"[\"24023119\",\"{lsn}\"]");

    public static JsonObject Row(int id = 1, string first = "Anne", string last = "Kretchmar", string email = "annek@noanswer.org") =>
        new() { ["id"] = id, ["first_name"] = first, ["last_name"] = last, ["email"] = email };

    public static JsonObject Key(int id = 1) => new() { ["id"] = id };

    public static ChangeEvent Create(int id = 1, ulong lsn = 24023128) =>
        new(ChangeOperation.Create, Table, Key(id), null, Row(id), Source(lsn), 1559033904863);

    public static ChangeEvent Read(int id = 1, ulong lsn = 24023128) =>
        new(ChangeOperation.Read, Table, Key(id), null, Row(id), Source(lsn, snapshot: "true"), 1559033904863);

    public static ChangeEvent Update(int id = 1, string first = "Anne Marie", ulong lsn = 24023128) =>
        new(ChangeOperation.Update, Table, Key(id), null, Row(id, first), Source(lsn), 1465584025523);

    /// <summary>A delete under REPLICA IDENTITY DEFAULT: <c>before</c> holds only the key.</summary>
    public static ChangeEvent Delete(int id = 1, ulong lsn = 46523128) =>
        new(ChangeOperation.Delete, Table, Key(id), new JsonObject { ["id"] = id }, null, Source(lsn), 1559033904863);

    public static ChangeEvent Truncate(ulong lsn = 46523128) =>
        new(ChangeOperation.Truncate, Table, null, null, null, Source(lsn), 1559033904863);
}
