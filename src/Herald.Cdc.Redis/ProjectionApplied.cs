namespace Herald.Cdc.Redis;

/// <summary>What the projection did with one record.</summary>
/// <param name="Topic">The record's topic.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset.</param>
/// <param name="Key">The Redis key it addressed, or null when the record was ignored.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Lsn">The change's LSN, if it carried one.</param>
public sealed record ProjectionApplied(string Topic, int Partition, long Offset, string? Key, ProjectionOutcome Outcome, ulong? Lsn);

/// <summary>The effect of one record on Redis.</summary>
public enum ProjectionOutcome
{
    /// <summary>The hash was created or updated.</summary>
    Upserted,

    /// <summary>The hash was deleted.</summary>
    Deleted,

    /// <summary>Redis already held this change or a newer one (redelivery, or an older change arriving late).</summary>
    Stale,

    /// <summary>Not a row change (a truncate, a record without a key): nothing to do.</summary>
    Ignored,
}
