using System.Globalization;
using Herald.Broker.Log;

namespace Herald.Broker.Topics;

/// <summary>The topic-level configs Herald knows, their defaults, validation and mapping onto <see cref="LogOptions"/>.</summary>
public static class TopicConfig
{
    /// <summary>Config names as in Kafka's <c>TopicConfig</c>.</summary>
    public const string CleanupPolicy = "cleanup.policy";
    public const string RetentionMs = "retention.ms";
    public const string RetentionBytes = "retention.bytes";
    public const string SegmentBytes = "segment.bytes";
    public const string MaxMessageBytes = "max.message.bytes";
    public const string IndexIntervalBytes = "index.interval.bytes";
    public const string CompressionType = "compression.type";
    public const string MessageTimestampType = "message.timestamp.type";
    public const string MinInsyncReplicas = "min.insync.replicas";
    public const string FlushMessages = "flush.messages";

    /// <summary>Every supported config with its value when the topic does not override it.</summary>
    public static IReadOnlyDictionary<string, string> Defaults(LogOptions log) => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [CleanupPolicy] = "delete",
        [RetentionMs] = log.RetentionMs.ToString(CultureInfo.InvariantCulture),
        [RetentionBytes] = log.RetentionBytes.ToString(CultureInfo.InvariantCulture),
        [SegmentBytes] = log.SegmentBytes.ToString(CultureInfo.InvariantCulture),
        [MaxMessageBytes] = log.MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
        [IndexIntervalBytes] = log.IndexIntervalBytes.ToString(CultureInfo.InvariantCulture),
        [CompressionType] = "producer",
        [MessageTimestampType] = "CreateTime",
        [MinInsyncReplicas] = "1",
        [FlushMessages] = log.Flush == FlushPolicy.EveryAppend ? "1" : long.MaxValue.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Returns null when <paramref name="value"/> is acceptable for <paramref name="name"/>, else why not.</summary>
    public static string? Validate(string name, string? value)
    {
        if (value is null)
        {
            return $"config '{name}' has no value";
        }

        static bool Long(string v, long min) => long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min;

        return name switch
        {
            CleanupPolicy => value is "delete" ? null
                : value.Contains("compact", StringComparison.Ordinal) ? "cleanup.policy=compact is not supported yet; use delete"
                : $"cleanup.policy must be 'delete', not '{value}'",
            RetentionMs or RetentionBytes => Long(value, -1) ? null : $"{name} must be an integer >= -1, not '{value}'",
            SegmentBytes => Long(value, 14) ? null : $"segment.bytes must be an integer >= 14, not '{value}'",
            MaxMessageBytes or IndexIntervalBytes => Long(value, 0) && long.Parse(value, CultureInfo.InvariantCulture) <= int.MaxValue
                ? null : $"{name} must be an integer between 0 and {int.MaxValue}, not '{value}'",
            CompressionType => value is "producer" or "uncompressed" or "gzip" or "snappy" or "lz4" or "zstd"
                ? (value == "producer" ? null : "compression.type other than 'producer' is not supported: Herald stores batches as produced")
                : $"compression.type '{value}' is unknown",
            MessageTimestampType => value == "CreateTime" ? null : "message.timestamp.type must be CreateTime",
            MinInsyncReplicas => value == "1" ? null : "min.insync.replicas must be 1 on a single-node broker",
            FlushMessages => Long(value, 1) ? null : $"flush.messages must be an integer >= 1, not '{value}'",
            _ => $"unknown topic config '{name}'",
        };
    }

    /// <summary>The log options for a topic: the broker defaults with the topic's overrides applied.</summary>
    public static LogOptions Apply(LogOptions defaults, IReadOnlyDictionary<string, string> overrides)
    {
        var options = defaults;
        foreach (var (name, value) in overrides)
        {
            options = name switch
            {
                RetentionMs => options with { RetentionMs = long.Parse(value, CultureInfo.InvariantCulture) },
                RetentionBytes => options with { RetentionBytes = long.Parse(value, CultureInfo.InvariantCulture) },
                SegmentBytes => options with { SegmentBytes = long.Parse(value, CultureInfo.InvariantCulture) },
                MaxMessageBytes => options with { MaxMessageBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                IndexIntervalBytes => options with { IndexIntervalBytes = int.Parse(value, CultureInfo.InvariantCulture) },
                FlushMessages => options with { Flush = value == "1" ? FlushPolicy.EveryAppend : FlushPolicy.None },
                _ => options,
            };
        }

        return options;
    }
}
