using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Herald.Tests.Sdk;

/// <summary>One measurement as a <see cref="MeterListener"/> saw it.</summary>
public sealed record Measurement(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? value?.ToString() : null;
}

/// <summary>Listens to every instrument of one meter and keeps the measurements whose tags satisfy a filter.</summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Func<Measurement, bool> _filter;

    public MeasurementRecorder(string meterName, Func<Measurement, bool> filter)
    {
        _filter = filter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public ConcurrentQueue<Measurement> Measurements { get; } = new();

    public IReadOnlyList<Measurement> Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

    public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    /// <summary>Reads every observable instrument once; their measurements join <see cref="Measurements"/>.</summary>
    public void Collect() => _listener.RecordObservableInstruments();

    /// <summary>The latest value of <paramref name="instrument"/> after a fresh <see cref="Collect"/>.</summary>
    public double? Latest(string instrument)
    {
        Measurements.Clear();
        Collect();
        return Of(instrument).LastOrDefault()?.Value;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var measurement = new Measurement(instrument.Name, instrument.Unit, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value));
        if (_filter(measurement))
        {
            Measurements.Enqueue(measurement);
        }
    }
}

/// <summary>Samples every activity of the sources whose names pass <c>listenTo</c> and keeps each one when it stops.</summary>
public sealed class SpanRecorder : IDisposable
{
    private readonly ActivityListener _listener;

    public SpanRecorder(Func<ActivitySource, bool> listenTo)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = listenTo,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>The stopped spans of one trace.</summary>
    public IReadOnlyList<Activity> Trace(ActivityTraceId traceId) => [.. Spans.Where(s => s.TraceId == traceId)];

    public void Dispose() => _listener.Dispose();
}
