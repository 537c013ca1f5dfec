namespace Herald.Cdc.Model;

/// <summary>A captured table's layout, as decoded from pgoutput's Relation message (and refreshed when it changes).</summary>
/// <param name="Schema">The PostgreSQL schema, e.g. <c>public</c>.</param>
/// <param name="Name">The table name.</param>
/// <param name="Columns">Columns in table order.</param>
/// <param name="ReplicaIdentityFull">True for <c>REPLICA IDENTITY FULL</c> (before holds every old column).</param>
public sealed record TableSchema(string Schema, string Name, IReadOnlyList<ColumnSchema> Columns, bool ReplicaIdentityFull)
{
    /// <summary>The key columns, in table order.</summary>
    public IEnumerable<ColumnSchema> KeyColumns => Columns.Where(c => c.IsKey);

    /// <summary><c>schema.table</c>.</summary>
    public string QualifiedName => Schema + "." + Name;
}

/// <summary>One column and how Debezium represents it in the JSON converter's schema.</summary>
/// <param name="Name">The column name.</param>
/// <param name="PostgresType">The PostgreSQL type name, e.g. <c>numeric</c>, <c>timestamptz</c>, <c>_int4</c>.</param>
/// <param name="ConnectType">The Kafka Connect schema type: <c>int16</c>, <c>int32</c>, <c>int64</c>, <c>float32</c>,
/// <c>float64</c>, <c>boolean</c>, <c>string</c>, <c>bytes</c>, <c>array</c>, <c>struct</c>.</param>
/// <param name="SemanticName">The Connect schema name for logical types, e.g. <c>io.debezium.time.MicroTimestamp</c>,
/// <c>io.debezium.data.Uuid</c>, <c>io.debezium.data.Json</c>, or null.</param>
/// <param name="Optional">Whether the column is nullable.</param>
/// <param name="IsKey">Whether the column is part of the primary key.</param>
/// <param name="ElementConnectType">For arrays, the element's Connect type.</param>
/// <param name="Scale">For <c>numeric(p, s)</c> columns, the declared scale <c>s</c>; null for other types and for a
/// <c>numeric</c> without one.</param>
public sealed record ColumnSchema(
    string Name,
    string PostgresType,
    string ConnectType,
    string? SemanticName,
    bool Optional,
    bool IsKey,
    string? ElementConnectType = null,
    int? Scale = null);
