using System.Diagnostics;
using System.Diagnostics.Metrics;
using Herald.Diagnostics;

namespace Herald.Outbox;

/// <summary>The relay's instruments on the <c>Herald.Sdk</c> meter, tagged with <c>herald.outbox.relay</c> (the relay name).</summary>
/// <remarks>
/// Gauges: <c>herald.outbox.backlog_rows</c>, <c>herald.outbox.oldest_age</c> (s), <c>herald.outbox.breaker_state</c>
/// (0 closed, 1 half-open, 2 open), <c>herald.outbox.lease_held</c> (1 on the publishing instance). Counters:
/// <c>herald.outbox.published</c>, <c>herald.outbox.dead_lettered</c>. The backlog gauges report the last status refresh.
/// </remarks>
internal sealed class OutboxRelayMetrics : IDisposable
{
    public const string RelayTag = "herald.outbox.relay";

    private readonly Counter<long> _published;
    private readonly Counter<long> _deadLettered;
    private readonly TagList _tags;
    private readonly Meter _meter;
    private volatile bool _disposed;

    public OutboxRelayMetrics(IMeterFactory? meterFactory, OutboxRelay relay)
    {
        _meter = SdkMeter.Create(meterFactory);
        _tags = new TagList { { RelayTag, relay.Options.Name } };
        var tag = new KeyValuePair<string, object?>(RelayTag, relay.Options.Name);
        _published = _meter.CreateCounter<long>("herald.outbox.published", "{event}", "Outbox rows the broker acknowledged and the relay completed.");
        _deadLettered = _meter.CreateCounter<long>("herald.outbox.dead_lettered", "{event}", "Outbox rows moved to the dead table after repeated permanent errors.");
        _meter.CreateObservableGauge(
            "herald.outbox.backlog_rows", () => Measure(relay.LastStatus?.BacklogRows ?? 0L, tag), "{row}", "Outbox rows waiting to be published.");
        _meter.CreateObservableGauge(
            "herald.outbox.oldest_age", () => Measure(relay.LastStatus is { } status ? relay.OldestAge(status).TotalSeconds : 0d, tag), "s", "How long the oldest waiting outbox row has waited.");
        _meter.CreateObservableGauge(
            "herald.outbox.breaker_state", () => Measure((int)relay.BreakerState, tag), description: "The relay's circuit breaker: 0 closed, 1 half-open, 2 open.");
        _meter.CreateObservableGauge(
            "herald.outbox.lease_held", () => Measure(relay.HoldsLease ? 1 : 0, tag), description: "1 when this instance holds the relay lease and publishes.");
    }

    public void OnPublished(int rows) => _published.Add(rows, _tags);

    public void OnDeadLettered() => _deadLettered.Add(1, _tags);

    /// <remarks>
    /// A shared meter outlives this relay and an instrument cannot be removed from it, so once the relay is disposed its
    /// gauges report nothing instead of the stopped relay's last figures.
    /// </remarks>
    public void Dispose() => _disposed = true;

    private Measurement<T>[] Measure<T>(T value, KeyValuePair<string, object?> tag)
        where T : struct => _disposed ? [] : [new Measurement<T>(value, tag)];
}
