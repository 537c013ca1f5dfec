using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace Herald.Diagnostics;

/// <summary>
/// Carries the trace context in Kafka record headers through <see cref="DistributedContextPropagator.Current"/>
/// (W3C <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> by default), as HttpClient does in HTTP headers.
/// </summary>
internal static class TraceContextHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Writes <paramref name="activity"/>'s context into <paramref name="headers"/>, replacing any earlier value.</summary>
    public static void Inject(Activity? activity, Headers headers)
    {
        if (activity is null)
        {
            return;
        }

        DistributedContextPropagator.Current.Inject(activity, headers, static (carrier, name, value) =>
        {
            if (carrier is Headers target && value is not null)
            {
                target.Remove(name);
                target.Add(name, Encoding.UTF8.GetBytes(value));
            }
        });
    }

    /// <summary>The remote context a record was published in, or <c>default</c> when it carries none (or an unreadable one).</summary>
    public static ActivityContext Extract(Headers? headers, out IEnumerable<KeyValuePair<string, string?>>? baggage)
    {
        baggage = null;
        if (headers is null)
        {
            return default;
        }

        var propagator = DistributedContextPropagator.Current;
        propagator.ExtractTraceIdAndState(headers, Read, out var traceParent, out var traceState);
        if (!ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context))
        {
            return default;
        }

        baggage = propagator.ExtractBaggage(headers, Read);
        return context;
    }

    private static void Read(object? carrier, string name, out string? value, out IEnumerable<string>? values)
    {
        values = null;
        value = carrier is Headers headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
    }
}
