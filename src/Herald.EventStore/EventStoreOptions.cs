using Herald.EventStore.Projections;

namespace Herald.EventStore;

/// <summary>Limits and names shared by both stores.</summary>
public sealed record EventStoreOptions
{
    public static readonly EventStoreOptions Default = new();

    /// <summary>The largest event payload (plus metadata) accepted, in bytes. Default 1 MiB.</summary>
    public int MaxEventBytes { get; init; } = 1024 * 1024;

    /// <summary>The longest stream id. Default 256 characters.</summary>
    public int MaxStreamIdLength { get; init; } = 256;

    /// <summary>A prefix for the table names (e.g. <c>app_</c> or, on PostgreSQL, <c>schema.</c>). Default none.</summary>
    public string TablePrefix { get; init; } = string.Empty;

    /// <summary>
    /// Projections applied inside every append's transaction: the read model commits with the events or not at all, and
    /// a projection that throws rolls the append back (<see cref="ProjectionException"/>). Their tables are created by
    /// <see cref="IEventStore.EnsureCreatedAsync"/>. Default none.
    /// </summary>
    public IReadOnlyList<IProjection> InlineProjections { get; init; } = [];
}
