namespace Herald.Sagas;

/// <summary>What a saga does with an event its instance's current (non-final) step has no transition for (<c>OnUnexpected</c>).</summary>
public enum Unexpected
{
    /// <summary>The default: the instance keeps its step and data, and its history gets an <c>ignored</c> entry.</summary>
    Record,

    /// <summary>
    /// Throws <see cref="UnexpectedSagaEventException"/> so the consumer's retry policy runs the event again later — for an
    /// event that arrived before the step that expects it (out of order across topics). Exhausted retries dead-letter it.
    /// </summary>
    Retry,
}
