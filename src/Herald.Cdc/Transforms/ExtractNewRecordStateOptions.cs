namespace Herald.Cdc.Transforms;

/// <summary>Settings of <see cref="ExtractNewRecordState"/>, named after Debezium's configuration keys.</summary>
/// <remarks>Build them in code, or from Debezium-style key/values with <see cref="Parse"/>.</remarks>
public sealed partial record ExtractNewRecordStateOptions
{
    /// <summary>Debezium's defaults: <c>delete.tombstone.handling.mode=tombstone</c>, nothing added.</summary>
    public static ExtractNewRecordStateOptions Default { get; } = new();

    /// <summary><c>delete.tombstone.handling.mode</c>; default <see cref="DeleteTombstoneHandlingMode.Tombstone"/>.</summary>
    public DeleteTombstoneHandlingMode DeleteTombstoneHandling { get; init; } = DeleteTombstoneHandlingMode.Tombstone;

    /// <summary>
    /// The legacy <c>delete.handling.mode</c>/<c>drop.tombstones</c> pair. When set it wins over
    /// <see cref="DeleteTombstoneHandling"/>; <see cref="Parse"/> sets it only when the configuration has legacy keys and
    /// no <c>delete.tombstone.handling.mode</c>, which is how Debezium chooses between them.
    /// </summary>
    public LegacyDeleteHandling? LegacyDeleteHandling { get; init; }

    /// <summary>
    /// <c>add.fields</c>: envelope metadata appended to the row, e.g. <c>op</c>, <c>table</c>, <c>lsn</c>,
    /// <c>source.ts_ms</c> (giving <c>__op</c>, <c>__table</c>, <c>__lsn</c>, <c>__source_ts_ms</c>); <c>name:NEW</c>
    /// renames. Unqualified names are looked up in the envelope (<c>op</c>, <c>ts_ms</c>), the <c>transaction</c> block
    /// (<c>id</c>, <c>total_order</c>, <c>data_collection_order</c>) or <c>source</c>. A field the event lacks is added as null.
    /// </summary>
    public IReadOnlyList<string> AddFields { get; init; } = [];

    /// <summary><c>add.fields.prefix</c>; default <c>__</c>.</summary>
    public string AddFieldsPrefix { get; init; } = "__";

    /// <summary><c>add.headers</c>: the same field references, as record headers (a field the event lacks is not added).</summary>
    public IReadOnlyList<string> AddHeaders { get; init; } = [];

    /// <summary><c>add.headers.prefix</c>; default <c>__</c>.</summary>
    public string AddHeadersPrefix { get; init; } = "__";

    /// <summary><c>route.by.field</c>: a column of <c>after</c> (<c>before</c> for deletes) whose value becomes the topic.</summary>
    public string? RouteByField { get; init; }

    /// <summary>
    /// <c>drop.fields.header.name</c>: the name of a change header listing row fields to remove (a JSON array of names or
    /// a comma list).
    /// </summary>
    public string? DropFieldsHeaderName { get; init; }

    /// <summary><c>drop.fields.from.key</c>: also remove them from the key. Default false.</summary>
    public bool DropFieldsFromKey { get; init; }

    /// <summary><c>drop.fields.keep.schema.compatible</c>: remove only optional (nullable) fields. Default true.</summary>
    public bool DropFieldsKeepSchemaCompatible { get; init; } = true;
}
