namespace Herald.Diagnostics;

/// <summary>
/// The names the SDK's metrics and traces are published under, for OpenTelemetry
/// (<c>AddMeter(HeraldDiagnostics.MeterName)</c>, <c>AddSource("Herald.Sdk.*")</c>) or any
/// <see cref="System.Diagnostics.Metrics.MeterListener"/> and <see cref="System.Diagnostics.ActivityListener"/>.
/// </summary>
/// <remarks>
/// Instruments and spans follow OpenTelemetry's messaging semantic conventions: <c>messaging.system</c> is <c>kafka</c>,
/// spans are named <c>send {topic}</c> and <c>process {topic}</c>, and the trace context travels in the W3C
/// <c>traceparent</c>/<c>tracestate</c> record headers. Nothing is measured or recorded until something listens.
/// </remarks>
public static class HeraldDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> of the publisher and the consumer host.</summary>
    public const string MeterName = "Herald.Sdk";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of <c>send {topic}</c> spans.</summary>
    public const string PublisherSourceName = "Herald.Sdk.Publisher";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> of <c>process {topic}</c> spans and the handler spans under them.</summary>
    public const string ConsumerSourceName = "Herald.Sdk.Consumer";
}
