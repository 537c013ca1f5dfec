using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Herald.Registry;

/// <summary>The registry's counters, exposed in Prometheus format by the HTTP listener.</summary>
public sealed class RegistryMetrics
{
    /// <summary>The name of the registry's meter.</summary>
    public const string MeterName = "Herald.Registry";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Incompatible = Meter.CreateCounter<long>(
        "schema_registry.incompatible", "{schema}", "Schema registrations refused and compatibility checks failed");

    private readonly ConcurrentDictionary<string, long> _incompatible = new(StringComparer.Ordinal);

    /// <summary>Refused registrations and failed compatibility checks, by subject.</summary>
    public IReadOnlyDictionary<string, long> IncompatibleBySubject => _incompatible;

    internal void CountIncompatible(string subject)
    {
        _incompatible.AddOrUpdate(subject, 1, (_, n) => n + 1);
        Incompatible.Add(1, new KeyValuePair<string, object?>("subject", subject));
    }
}
