using Herald.Broker.Log;
using Herald.Broker.Security;

namespace Herald.Broker;

/// <summary>The broker's settings; <c>Herald.Server</c> fills them from <c>herald serve</c>'s options.</summary>
public sealed record BrokerOptions
{
    /// <summary>The folder with topics, committed offsets and producer ids.</summary>
    public required string DataDirectory { get; init; }

    /// <summary><c>auto.create.topics.enable</c>. Default true.</summary>
    public bool AutoCreateTopics { get; init; } = true;

    /// <summary><c>num.partitions</c> for auto-created topics. Default 1.</summary>
    public int DefaultPartitions { get; init; } = 1;

    /// <summary>Partition log defaults; topic configs override them.</summary>
    public LogOptions Log { get; init; } = new();

    /// <summary><c>socket.request.max.bytes</c>. Default 100 MiB.</summary>
    public int MaxRequestBytes { get; init; } = 100 * 1024 * 1024;

    /// <summary><c>group.initial.rebalance.delay.ms</c>. Default 3000.</summary>
    public int InitialRebalanceDelayMs { get; init; } = 3000;

    /// <summary>How often retention runs (<c>log.retention.check.interval.ms</c>). Default 30 s.</summary>
    public TimeSpan RetentionCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The cluster id returned in Metadata; stored in the data folder on first start when null.</summary>
    public string? ClusterId { get; init; }

    /// <summary>SASL on the Kafka listener and the first administrator. Default: off, as Kafka's PLAINTEXT listener.</summary>
    public AuthenticationOptions Authentication { get; init; } = new();
}
