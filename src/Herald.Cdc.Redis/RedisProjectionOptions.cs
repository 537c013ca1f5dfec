using Confluent.Kafka;

namespace Herald.Cdc.Redis;

/// <summary>Settings of <see cref="RedisProjectionSink"/> and <see cref="RedisProjection"/>.</summary>
public sealed record RedisProjectionOptions
{
    /// <summary>Kafka bootstrap servers (Herald or Kafka). Default <c>127.0.0.1:9092</c>.</summary>
    public string BootstrapServers { get; init; } = "127.0.0.1:9092";

    /// <summary>The change topics to project (unwrapped rows; Debezium envelopes are understood too).</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>The consumer group; its committed offsets are the projection's resume point. Default <c>herald-redis-projection</c>.</summary>
    public string GroupId { get; init; } = "herald-redis-projection";

    /// <summary>
    /// The Redis key of a row's hash. Placeholders: <c>{table}</c>, <c>{schema}</c>, <c>{topic}</c>, <c>{key}</c> (all key
    /// values joined by <c>:</c>) and any key column by name, e.g. <c>{id}</c>. Default <c>{table}:{id}</c>.
    /// </summary>
    public string KeyPattern { get; init; } = "{table}:{id}";

    /// <summary>
    /// The hash field holding the row's last applied LSN, and the name the LSN is read from: a row field or header of
    /// that name (<c>add.fields=lsn</c> / <c>add.headers=lsn</c>), else <c>source.lsn</c> of an envelope. Default <c>__lsn</c>.
    /// </summary>
    public string LsnField { get; init; } = "__lsn";

    /// <summary>
    /// Appended to a row's key for the marker that remembers the LSN of its deletion, so a redelivered older change cannot
    /// bring a deleted row back. Default <c>:__deleted_lsn</c>.
    /// </summary>
    public string DeletedMarkerSuffix { get; init; } = ":__deleted_lsn";

    /// <summary>How long deletion markers live; null (default) keeps them, which keeps the guarantee for ever.</summary>
    public TimeSpan? DeletedMarkerTtl { get; init; }

    /// <summary>The Redis logical database; -1 (default) for the connection's default.</summary>
    public int Database { get; init; } = -1;

    /// <summary>
    /// The table name for rows that carry neither <c>__table</c> (<c>add.fields=table</c>) nor an envelope; default: the
    /// topic's last <c>.</c>-separated segment (<c>shop.public.orders</c> → <c>orders</c>).
    /// </summary>
    public string? Table { get; init; }

    /// <summary>Records applied per Redis round trip and offset commit. Default 500.</summary>
    public int MaxBatchSize { get; init; } = 500;

    /// <summary>Where a new group starts. Default <see cref="AutoOffsetReset.Earliest"/> (project the whole topic).</summary>
    public AutoOffsetReset AutoOffsetReset { get; init; } = AutoOffsetReset.Earliest;

    /// <summary>Changes to the consumer config (auto commit stays off).</summary>
    public Action<ConsumerConfig>? ConfigureConsumer { get; init; }

    /// <summary>Called after each record's Redis write (or skip), before its offset is committed.</summary>
    public Action<ProjectionApplied>? OnApplied { get; init; }
}
