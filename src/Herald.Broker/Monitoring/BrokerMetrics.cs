using System.Diagnostics;
using System.Diagnostics.Metrics;
using Herald.Protocol.Messages;

namespace Herald.Broker.Monitoring;

/// <summary>
/// The broker's own instruments: per-topic traffic, request latency and open connections, kept as plain counters for
/// <c>/metrics</c> and mirrored on the <c>Herald.Broker</c> <see cref="Meter"/> for OpenTelemetry users.
/// </summary>
public sealed class BrokerMetrics
{
    /// <summary>The name of the broker's meter.</summary>
    public const string MeterName = "Herald.Broker";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> MessagesIn = Meter.CreateCounter<long>("herald.topic.messages_in", "{message}", "Records appended");
    private static readonly Counter<long> BytesIn = Meter.CreateCounter<long>("herald.topic.bytes_in", "By", "Record batch bytes appended");
    private static readonly Counter<long> MessagesOut = Meter.CreateCounter<long>("herald.topic.messages_out", "{message}", "Records served by fetches");
    private static readonly Counter<long> BytesOut = Meter.CreateCounter<long>("herald.topic.bytes_out", "By", "Record batch bytes served by fetches");
    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>("herald.request.duration", "s", "Broker request latency");
    private static readonly UpDownCounter<long> OpenConnections = Meter.CreateUpDownCounter<long>("herald.connections", "{connection}", "Open client connections");
    private static readonly string[] ApiNames = BuildApiNames();

    private long _connections;

    /// <summary>Request latency per API, for <c>herald_request_duration_seconds</c>.</summary>
    public RequestLatencyHistogram RequestLatency { get; } = new();

    /// <summary>Open client connections.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>The Kafka API name of <paramref name="apiKey"/> (<c>Produce</c>, <c>Fetch</c>, ...), or the number.</summary>
    public static string ApiName(short apiKey) =>
        (uint)apiKey < (uint)ApiNames.Length && ApiNames[apiKey] is { } name ? name : apiKey.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static void RecordIn(TopicStatistics statistics, string topic, long messages, long bytes)
    {
        statistics.AddIn(messages, bytes);
        if (MessagesIn.Enabled)
        {
            var tag = new KeyValuePair<string, object?>("topic", topic);
            MessagesIn.Add(messages, tag);
            BytesIn.Add(bytes, tag);
        }
    }

    internal static void RecordOut(TopicStatistics statistics, string topic, long messages, long bytes)
    {
        statistics.AddOut(messages, bytes);
        if (MessagesOut.Enabled)
        {
            var tag = new KeyValuePair<string, object?>("topic", topic);
            MessagesOut.Add(messages, tag);
            BytesOut.Add(bytes, tag);
        }
    }

    internal void RecordRequest(short apiKey, long elapsedTicks)
    {
        RequestLatency.Record(apiKey, elapsedTicks);
        if (RequestDuration.Enabled)
        {
            RequestDuration.Record(elapsedTicks / (double)Stopwatch.Frequency, new KeyValuePair<string, object?>("api", ApiName(apiKey)));
        }
    }

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        OpenConnections.Add(1);
    }

    internal void ConnectionClosed()
    {
        Interlocked.Decrement(ref _connections);
        OpenConnections.Add(-1);
    }

    private static string[] BuildApiNames()
    {
        var names = new string[128];
        for (short key = 0; key < names.Length; key++)
        {
            if (ApiMessages.CreateRequest(key) is { } request)
            {
                var name = request.GetType().Name;
                names[key] = name.EndsWith("Request", StringComparison.Ordinal) ? name[..^"Request".Length] : name;
            }
        }

        return names;
    }
}
