namespace Herald.Sagas;

/// <summary>Settings shared by the saga stores; change them with <c>with</c>.</summary>
/// <remarks>Defaults: no table prefix (<c>herald_saga</c>, <c>herald_saga_history</c>, <c>herald_saga_timeout</c>) and the system clock.</remarks>
public sealed record SagaStoreOptions
{
    /// <summary>The default options.</summary>
    public static SagaStoreOptions Default { get; } = new();

    /// <summary>
    /// Prepended to the table names (letters, digits and underscores; with PostgreSQL it may name a schema:
    /// <c>herald.</c>). Default: empty.
    /// </summary>
    public string TablePrefix
    {
        get;
        init => field = Storage.TablePrefix.Validate(value, nameof(value));
    } = "";

    /// <summary>The clock that stamps rows and decides which timeouts are due. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The instances table, with <see cref="TablePrefix"/>.</summary>
    public string SagaTable => TablePrefix + "herald_saga";

    /// <summary>The history table, with <see cref="TablePrefix"/>.</summary>
    public string HistoryTable => TablePrefix + "herald_saga_history";

    /// <summary>The timeouts table, with <see cref="TablePrefix"/>.</summary>
    public string TimeoutTable => TablePrefix + "herald_saga_timeout";

    /// <summary>A name for indexes: the prefix without a schema (PostgreSQL puts an index in its table's schema).</summary>
    internal string IndexPrefix => TablePrefix[(TablePrefix.IndexOf('.', StringComparison.Ordinal) + 1)..];
}
