using System.Collections.Concurrent;

namespace Herald.Registry;

/// <summary>The registry's counters, exposed in Prometheus format by the HTTP listener.</summary>
public sealed class RegistryMetrics
{
    private readonly ConcurrentDictionary<string, long> _incompatible = new(StringComparer.Ordinal);

    /// <summary>Refused registrations and failed compatibility checks, by subject.</summary>
    public IReadOnlyDictionary<string, long> IncompatibleBySubject => _incompatible;

    internal void CountIncompatible(string subject) => _incompatible.AddOrUpdate(subject, 1, (_, n) => n + 1);
}
