using System.Diagnostics.Metrics;

namespace Herald.Diagnostics;

/// <summary>The <c>Herald.Sdk</c> meter: from the application's <see cref="IMeterFactory"/> when it has one, else one per process.</summary>
internal static class SdkMeter
{
    private static readonly string? Version = typeof(SdkMeter).Assembly.GetName().Version?.ToString();
    private static readonly Lazy<Meter> Shared = new(() => new Meter(HeraldDiagnostics.MeterName, Version));

    /// <remarks>A factory caches meters by name, so the publisher and the consumer host share one, disposed with the container.</remarks>
    public static Meter Create(IMeterFactory? factory) =>
        factory?.Create(new MeterOptions(HeraldDiagnostics.MeterName) { Version = Version }) ?? Shared.Value;
}
