using Herald.Consuming;

namespace Herald.Sagas;

/// <summary>What a saga step runs for: a consumed event (with its envelope and position) or a due timeout.</summary>
internal sealed record SagaTrigger(Guid EventId, string? CorrelationId, string? CausationId, EventContext? Event, bool IsTimeout)
{
    public static SagaTrigger From(EventContext context) =>
        new(context.Envelope.EventId, context.Envelope.CorrelationId, context.Envelope.CausationId, context, IsTimeout: false);

    public static SagaTrigger Timeout(Guid token, string? correlationId) => new(token, correlationId, null, null, IsTimeout: true);
}
