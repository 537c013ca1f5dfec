namespace Herald.Server.Tests.Deploy;

/// <summary>
/// The metric names <c>herald serve</c> exports on <c>/metrics</c> (a contract: rules, dashboard, console and CLI
/// depend on them), plus the names the recording rules in deploy/prometheus/herald-rules.yml add.
/// </summary>
internal static class MetricCatalogue
{
    public static readonly IReadOnlySet<string> Exported = new HashSet<string>(StringComparer.Ordinal)
    {
        "herald_topic_messages_in_total",
        "herald_topic_bytes_in_total",
        "herald_topic_messages_out_total",
        "herald_topic_bytes_out_total",
        "herald_consumer_group_lost_messages_total",
        "herald_dlq_messages_total",
        "schema_registry_incompatible_total",
        "herald_partition_end_offset",
        "herald_partition_start_offset",
        "herald_partition_last_append_timestamp_seconds",
        "herald_consumer_group_committed_offset",
        "herald_consumer_group_lag_messages",
        "herald_consumer_group_lag_seconds",
        "herald_consumer_group_max_lag_messages",
        "herald_consumer_group_max_lag_seconds",
        "herald_consumer_group_members",
        "herald_dlq_depth_messages",
        "herald_dlq_oldest_unresolved_age_seconds",
        "herald_connections",
        "herald_topics",
        "herald_build_info",
        "herald_request_duration_seconds_bucket",
        "herald_request_duration_seconds_sum",
        "herald_request_duration_seconds_count",
    };

    public static readonly IReadOnlySet<string> Recorded = new HashSet<string>(StringComparer.Ordinal)
    {
        "topic_messages_per_sec",
        "consumer_lag_max",
    };

    public static bool Contains(string name) => Exported.Contains(name) || Recorded.Contains(name);
}
