namespace Herald.Sagas;

/// <summary>An event arrived in a step with no transition for it, and its policy is <see cref="Unexpected.Retry"/>.</summary>
public sealed class UnexpectedSagaEventException : SagaException
{
    public UnexpectedSagaEventException(string sagaType, string sagaId, string step, string eventType)
        : base($"saga {sagaType} '{sagaId}' is in step {step}, which does not expect {eventType}; it will be retried (OnUnexpected<{eventType}>(Unexpected.Retry))")
    {
        SagaType = sagaType;
        SagaId = sagaId;
        Step = step;
        EventType = eventType;
    }

    public string SagaType { get; }

    public string SagaId { get; }

    public string Step { get; }

    public string EventType { get; }

    public override bool IsTransient => true;
}
