namespace Herald.Sagas;

/// <summary>An event's correlation value is null, so it belongs to no instance. Never transient: the event is dead-lettered.</summary>
public sealed class SagaCorrelationException : SagaException
{
    public SagaCorrelationException(string sagaType, string eventType)
        : base($"saga {sagaType}: the {eventType} has no correlation value (null), so it belongs to no instance")
    {
        SagaType = sagaType;
        EventType = eventType;
    }

    public string SagaType { get; }

    public string EventType { get; }

    public override bool IsTransient => false;
}
