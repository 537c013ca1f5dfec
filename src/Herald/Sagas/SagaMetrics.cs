using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Herald.Diagnostics;

namespace Herald.Sagas;

/// <summary>What the sagas of one host did, counted per outcome, for tests, logs and metrics.</summary>
/// <remarks>
/// Measured on the <c>Herald.Sdk</c> meter as <c>herald.saga.steps</c>, tagged with <c>herald.saga.type</c> and
/// <c>herald.saga.outcome</c> (<see cref="SagaOutcome"/> in lowercase), and <c>herald.saga.timeout_failures</c> for timeout
/// deliveries that threw. Discarded events (no instance) have no history; this counter is where they show.
/// </remarks>
public sealed class SagaMetrics
{
    private readonly Counter<long> _steps;
    private readonly Counter<long> _timeoutFailures;
    private readonly ConcurrentDictionary<(string Type, SagaOutcome Outcome), long> _counts = new();
    private long _timeoutFailureCount;

    /// <summary>Creates the counters on a process-wide <c>Herald.Sdk</c> meter.</summary>
    public SagaMetrics()
        : this(meterFactory: null)
    {
    }

    /// <summary>Creates the counters on the <c>Herald.Sdk</c> meter of <paramref name="meterFactory"/> (null: a process-wide meter).</summary>
    public SagaMetrics(IMeterFactory? meterFactory)
    {
        var meter = SdkMeter.Create(meterFactory);
        _steps = meter.CreateCounter<long>("herald.saga.steps", "{event}", "Events and timeouts a saga handled, by outcome (started, transitioned, compensated, ignored, late, dropped, duplicate, discarded, stale).");
        _timeoutFailures = meter.CreateCounter<long>("herald.saga.timeout_failures", "{timeout}", "Timeout deliveries that threw; they are retried until the retry policy's attempts run out.");
    }

    /// <summary>How often saga type <paramref name="type"/> (every type when null) had <paramref name="outcome"/>.</summary>
    public long Count(SagaOutcome outcome, string? type = null) =>
        _counts.Where(c => c.Key.Outcome == outcome && (type is null || c.Key.Type == type)).Sum(c => c.Value);

    /// <summary>Timeout deliveries that threw.</summary>
    public long TimeoutFailures => Interlocked.Read(ref _timeoutFailureCount);

    internal void OnStep(string type, SagaOutcome outcome)
    {
        _counts.AddOrUpdate((type, outcome), 1, (_, n) => n + 1);
        _steps.Add(1, new KeyValuePair<string, object?>("herald.saga.type", type), new KeyValuePair<string, object?>("herald.saga.outcome", Tag(outcome)));
    }

    internal void OnTimeoutFailure(string type)
    {
        Interlocked.Increment(ref _timeoutFailureCount);
        _timeoutFailures.Add(1, new KeyValuePair<string, object?>("herald.saga.type", type));
    }

    internal static string Tag(SagaOutcome outcome) => outcome.ToString().ToLowerInvariant();
}
