namespace Herald.Cdc.Transforms;

/// <summary>Debezium's <c>delete.tombstone.handling.mode</c> for <see cref="ExtractNewRecordState"/>.</summary>
public enum DeleteTombstoneHandlingMode
{
    /// <summary><c>drop</c>: the delete and its tombstone are both dropped.</summary>
    Drop,

    /// <summary>
    /// <c>tombstone</c> (default): the delete becomes a record whose value is a null row (the schema is kept, so the
    /// JSON converter writes <c>null</c>); Debezium's tombstone is dropped.
    /// </summary>
    Tombstone,

    /// <summary><c>rewrite</c>: the delete becomes its <c>before</c> row plus <c>__deleted: "true"</c>; other rows get
    /// <c>__deleted: "false"</c>; the tombstone is dropped.</summary>
    Rewrite,

    /// <summary><c>rewrite-with-tombstone</c>: as <see cref="Rewrite"/>, and the tombstone is kept.</summary>
    RewriteWithTombstone,

    /// <summary><c>delete-to-tombstone</c>: the delete becomes a real tombstone (null value); Debezium's tombstone is dropped.</summary>
    DeleteToTombstone,
}

/// <summary>The legacy <c>delete.handling.mode</c> (removed in Debezium 3.2, accepted here as an alias).</summary>
public enum LegacyDeleteHandlingMode
{
    /// <summary><c>drop</c> (the legacy default): deletes are dropped.</summary>
    Drop,

    /// <summary><c>none</c>: deletes become a null row, like <see cref="DeleteTombstoneHandlingMode.Tombstone"/>.</summary>
    None,

    /// <summary><c>rewrite</c>: deletes become the <c>before</c> row plus <c>__deleted: "true"</c>.</summary>
    Rewrite,
}

/// <summary>The legacy pair <c>delete.handling.mode</c> + <c>drop.tombstones</c>.</summary>
/// <param name="DeleteHandlingMode">What happens to the delete record.</param>
/// <param name="DropTombstones">Whether Debezium's tombstone (and, as Debezium's legacy strategy does, a truncate) is dropped.</param>
public sealed record LegacyDeleteHandling(LegacyDeleteHandlingMode DeleteHandlingMode = LegacyDeleteHandlingMode.Drop, bool DropTombstones = true);
