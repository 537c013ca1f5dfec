using System.Globalization;
using System.Text;
using Herald.Broker;
using Herald.Registry;

namespace Herald.Server;

/// <summary>Renders Herald's metrics in the Prometheus text exposition format (version 0.0.4).</summary>
internal static class PrometheusMetrics
{
    public static string Render(KafkaBroker broker, SchemaRegistry registry)
    {
        var text = new StringBuilder();
        text.Append("# HELP schema_registry_incompatible_total Schema registrations refused and compatibility checks failed, by subject.\n");
        text.Append("# TYPE schema_registry_incompatible_total counter\n");
        foreach (var (subject, count) in registry.Metrics.IncompatibleBySubject.OrderBy(x => x.Key, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"schema_registry_incompatible_total{{subject=\"{Escape(subject)}\"}} {count}\n");
        }

        text.Append("# HELP herald_topics Topics on this broker.\n");
        text.Append("# TYPE herald_topics gauge\n");
        text.Append(CultureInfo.InvariantCulture, $"herald_topics {broker.Topics.All.Count}\n");
        return text.ToString();
    }

    /// <summary>Label values escape backslash, double quote and newline.</summary>
    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
