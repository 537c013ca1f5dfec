using System.Collections.Concurrent;
using Herald.Broker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Herald.WebConsole.History;

/// <summary>
/// The console's memory of the recent past: every <see cref="ConsoleOptions.SampleInterval"/> it samples each topic's
/// messages/s and bytes/s (from the broker's counters) and each group's total lag and max lag seconds (from the same
/// <see cref="Herald.Broker.Monitoring.ConsumerLagMonitor"/> as <c>/metrics</c>), keeping <see cref="ConsoleOptions.HistoryLength"/>.
/// </summary>
/// <remarks>
/// History is per topic and per group, not per partition: at 1,000 partitions × 100 groups per-partition rings would cost
/// hundreds of megabytes, while the group's total and worst partition are what the charts show. It lives in memory
/// and starts empty after a restart (Prometheus keeps the long history).
/// </remarks>
public sealed class ConsoleHistory : BackgroundService
{
    private readonly KafkaBroker _broker;
    private readonly ConsoleOptions _options;
    private readonly ILogger<ConsoleHistory> _logger;
    private readonly ConcurrentDictionary<string, SampleRing> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SampleRing> _groups = new(StringComparer.Ordinal);
    private readonly SampleRing _overview;
    private readonly Dictionary<string, (long Messages, long Bytes, long At)> _lastCounters = new(StringComparer.Ordinal);

    /// <summary>Creates the history for <paramref name="broker"/>.</summary>
    public ConsoleHistory(KafkaBroker broker, ConsoleOptions options, ILogger<ConsoleHistory> logger)
    {
        _broker = broker;
        _options = options;
        _logger = logger;
        _overview = new SampleRing(Capacity, 2);
    }

    /// <summary>Samples kept per series.</summary>
    public int Capacity => Math.Max(2, (int)(_options.HistoryLength / _options.SampleInterval));

    /// <summary>Bytes the history holds now.</summary>
    public long Bytes => _overview.Bytes + _topics.Values.Sum(r => r.Bytes) + _groups.Values.Sum(r => r.Bytes);

    /// <summary>All topics' messages/s in and out.</summary>
    public Series Overview() => ToSeries(_overview, ["messages in/s", "messages out/s"]);

    /// <summary>A topic's messages/s and bytes/s appended; empty before the first two samples.</summary>
    public Series Topic(string topic) => _topics.TryGetValue(topic, out var ring) ? ToSeries(ring, ["messages/s", "bytes/s"]) : Series.Empty;

    /// <summary>A topic's messages/s and bytes/s at the newest sample, without copying its series; (0, 0) before the first sample.</summary>
    public (double MessagesPerSecond, double BytesPerSecond) LatestTopicRate(string topic) =>
        _topics.TryGetValue(topic, out var ring) && ring.TryGetLatest(0, out var messages) && ring.TryGetLatest(1, out var bytes) ? (messages, bytes) : (0, 0);

    /// <summary>A group's total lag in messages and its max lag in seconds.</summary>
    public Series Group(string group) => _groups.TryGetValue(group, out var ring) ? ToSeries(ring, ["lag (messages)", "max lag (seconds)"]) : Series.Empty;

    /// <summary>Takes one sample of everything now.</summary>
    public void Sample()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        double totalIn = 0, totalOut = 0;
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in _broker.Topics.All)
        {
            live.Add(topic.Name);
            var stats = topic.Statistics;
            var (messagesPerSecond, bytesPerSecond) = Rate(topic.Name, stats.MessagesIn, stats.BytesIn, now);
            var (outPerSecond, _) = Rate(topic.Name + "\0out", stats.MessagesOut, stats.BytesOut, now);
            totalIn += messagesPerSecond;
            totalOut += outPerSecond;
            _topics.GetOrAdd(topic.Name, _ => new SampleRing(Capacity, 2)).Add(now / 1000, [messagesPerSecond, bytesPerSecond]);
        }

        foreach (var name in _topics.Keys.Where(n => !live.Contains(n)).ToList())
        {
            _topics.TryRemove(name, out _);
        }

        _overview.Add(now / 1000, [totalIn, totalOut]);
        var groups = _broker.ConsumerLag.GetAll();
        foreach (var group in groups)
        {
            _groups.GetOrAdd(group.Group, _ => new SampleRing(Capacity, 2)).Add(now / 1000, [group.TotalLagMessages, group.MaxLagSeconds]);
        }

        foreach (var name in _groups.Keys.Except(groups.Select(g => g.Group), StringComparer.Ordinal).ToList())
        {
            _groups.TryRemove(name, out _);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SampleInterval);
        do
        {
            try
            {
                Sample();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _logger.LogWarning(ex, "Console history sample failed; the next one will try again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private (double Messages, double Bytes) Rate(string key, long messages, long bytes, long nowMs)
    {
        lock (_lastCounters)
        {
            var rate = (0.0, 0.0);
            if (_lastCounters.TryGetValue(key, out var last) && nowMs > last.At && messages >= last.Messages)
            {
                var seconds = (nowMs - last.At) / 1000.0;
                rate = ((messages - last.Messages) / seconds, (bytes - last.Bytes) / seconds);
            }

            _lastCounters[key] = (messages, bytes, nowMs);
            return rate;
        }
    }

    private static Series ToSeries(SampleRing ring, string[] labels)
    {
        var (times, values) = ring.Read();
        return new Series(times, [.. labels.Select((label, i) => new SeriesValues(label, values[i]))]);
    }
}

/// <summary>Samples of one or more series sharing their times: what the console's charts draw.</summary>
/// <param name="Times">Unix seconds, oldest first.</param>
/// <param name="Values">One entry per series.</param>
public sealed record Series(IReadOnlyList<long> Times, IReadOnlyList<SeriesValues> Values)
{
    /// <summary>No samples yet.</summary>
    public static readonly Series Empty = new([], []);
}

/// <summary>One series' values, aligned with <see cref="Series.Times"/>.</summary>
public sealed record SeriesValues(string Label, IReadOnlyList<double> Values);
