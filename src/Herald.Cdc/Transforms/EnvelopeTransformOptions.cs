namespace Herald.Cdc.Transforms;

/// <summary>Settings of <see cref="EnvelopeTransform"/>.</summary>
public sealed record EnvelopeTransformOptions
{
    /// <summary>Debezium's defaults.</summary>
    public static EnvelopeTransformOptions Default { get; } = new();

    /// <summary>
    /// Follow each delete with a tombstone (same key, null value) so log compaction can drop the key, like Debezium's
    /// <c>tombstones.on.delete</c>. Default true.
    /// </summary>
    public bool TombstonesOnDelete { get; init; } = true;
}
