using System.Text.Json.Nodes;

namespace Herald.Cdc.Redis;

/// <summary>A change record read back from a topic: what to do to which row.</summary>
/// <param name="Kind">Upsert, delete, or nothing.</param>
/// <param name="Key">The key struct's fields (<c>{"id":1}</c>), or null.</param>
/// <param name="Row">The new row for an upsert.</param>
/// <param name="Schema">The table's schema, when the record says.</param>
/// <param name="Table">The table's name, when the record says.</param>
/// <param name="Lsn">The change's LSN, when the record carries it.</param>
internal sealed record RowChange(RowChangeKind Kind, JsonObject? Key, JsonObject? Row, string? Schema, string? Table, ulong? Lsn)
{
    public static readonly RowChange Ignore = new(RowChangeKind.Ignore, null, null, null, null, null);
}

internal enum RowChangeKind
{
    Ignore,
    Upsert,
    Delete,
}
