namespace Herald.Sagas;

/// <summary>Which instances <see cref="ISagaQuery.ListAsync"/> returns; results are ordered stalest first (least recently changed).</summary>
public sealed record SagaFilter
{
    /// <summary>Only this saga type. Default: every type.</summary>
    public string? Type { get; init; }

    /// <summary>Only instances in this step. Default: any.</summary>
    public string? Step { get; init; }

    /// <summary>
    /// Only stuck instances: not completed, and no state change for at least this long (ignored and late events do not
    /// count as change). Default: no such filter.
    /// </summary>
    public TimeSpan? StuckFor { get; init; }

    /// <summary>Whether completed instances are listed (ignored with <see cref="StuckFor"/>). Default true.</summary>
    public bool IncludeCompleted { get; init; } = true;

    /// <summary>The page size (1–1000). Default 100.</summary>
    public int Limit
    {
        get;
        init => field = value is >= 1 and <= 1000 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "a page holds 1 to 1000 instances");
    } = 100;

    /// <summary>How many matching instances to skip (for the next pages). Default 0.</summary>
    public int Offset
    {
        get;
        init => field = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "the offset cannot be negative");
    }
}
