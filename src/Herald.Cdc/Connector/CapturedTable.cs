using System.Text.Json.Nodes;
using Herald.Cdc.Model;

namespace Herald.Cdc.Connector;

/// <summary>A captured table's layout with the per-column conversions, in pgoutput's column order.</summary>
/// <param name="Oid">The table's oid (pgoutput's relation id).</param>
/// <param name="Schema">Layout handed to serializers.</param>
/// <param name="Types">The conversion of each column, same order as <see cref="TableSchema.Columns"/>.</param>
/// <param name="Topic">The topic its changes go to.</param>
internal sealed record CapturedTable(uint Oid, TableSchema Schema, IReadOnlyList<ColumnType> Types, string Topic)
{
    /// <summary>Whether the table has Debezium key columns (primary key or replica identity index).</summary>
    public bool HasKey => Schema.Columns.Any(c => c.IsKey);

    /// <summary>The key struct taken from a full row, or null when the table has no key columns.</summary>
    public JsonObject? KeyOf(JsonObject? row)
    {
        if (row is null || !HasKey)
        {
            return null;
        }

        var key = new JsonObject();
        foreach (var column in Schema.Columns)
        {
            if (column.IsKey)
            {
                key[column.Name] = row[column.Name]?.DeepClone();
            }
        }

        return key;
    }
}
