namespace Herald.Sagas;

/// <summary>An event that does not start the saga found no instance, and its policy is <see cref="Missing.Retry"/> or <see cref="Missing.Fault"/>.</summary>
public sealed class SagaInstanceNotFoundException : SagaException
{
    public SagaInstanceNotFoundException(string sagaType, string sagaId, string eventType, Missing policy)
        : base(policy == Missing.Retry
            ? $"no {sagaType} saga '{sagaId}' for {eventType} yet; it will be retried (OnMissingInstance<{eventType}>(Missing.Retry))"
            : $"no {sagaType} saga '{sagaId}' for {eventType} (OnMissingInstance<{eventType}>(Missing.Fault))")
    {
        SagaType = sagaType;
        SagaId = sagaId;
        EventType = eventType;
        Policy = policy;
    }

    public string SagaType { get; }

    public string SagaId { get; }

    public string EventType { get; }

    public Missing Policy { get; }

    public override bool IsTransient => Policy == Missing.Retry;
}
