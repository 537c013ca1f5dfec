namespace Herald.Sagas;

/// <summary>What a history entry records (the <c>kind</c> column, lowercase).</summary>
public enum SagaHistoryKind
{
    /// <summary>The event that created the instance.</summary>
    Start,

    /// <summary>A consumed event ran a forward transition.</summary>
    Event,

    /// <summary>A due timeout ran a forward transition.</summary>
    Timeout,

    /// <summary>An event or timeout ran a transition declared with <c>.Compensates()</c>.</summary>
    Compensation,

    /// <summary>The step had no transition for the event; nothing changed.</summary>
    Ignored,

    /// <summary>The event arrived after the instance completed; nothing changed.</summary>
    Late,
}
