namespace Herald.EventStore.Forwarding.Replay;

/// <summary>Which part of the global feed a <see cref="FeedReplayer"/> replays.</summary>
/// <remarks>System streams (<c>$…</c>) are never replayed.</remarks>
public sealed record ReplayOptions
{
    /// <summary>The first global position to replay (inclusive). Default 1, the start of the feed.</summary>
    public long From { get; init; } = 1;

    /// <summary>The last global position to replay (inclusive). Default null: the feed's head when the replay starts.</summary>
    public long? To { get; init; }

    /// <summary>Only streams whose id starts with this (ordinal). Default all.</summary>
    public string? StreamPrefix { get; init; }

    /// <summary>Only events of these types (exact names). Default all.</summary>
    public IReadOnlyCollection<string>? EventTypes { get; init; }

    /// <summary>Events read (and applied or published) per batch. Default 1000.</summary>
    public int BatchSize { get; init; } = 1000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(From);
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1);
        if (To is { } to && to < From)
        {
            throw new ArgumentException($"the range is empty: From ({From}) is after To ({to})", nameof(To));
        }
    }
}

/// <summary>Where a topic replay publishes, and whether it really does.</summary>
/// <param name="Topic">The Kafka topic.</param>
/// <param name="BootstrapServers">The broker addresses, <c>host:port[,host:port]</c> (not contacted in a dry run).</param>
public sealed record TopicReplayOptions(string Topic, string BootstrapServers)
{
    /// <summary>
    /// False (the default): a dry run that only reports what would be published; nothing connects to the broker.
    /// True: publish.
    /// </summary>
    public bool Execute { get; init; }

    /// <summary>How long the producer keeps trying to deliver a record before the replay fails. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Changes the producer's configuration (acks=all and idempotence are set first).</summary>
    public Action<Confluent.Kafka.ProducerConfig>? ConfigureProducer { get; init; }
}
