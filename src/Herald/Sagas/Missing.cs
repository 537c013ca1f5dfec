namespace Herald.Sagas;

/// <summary>What a saga does with an event that does not start it and finds no instance (<c>OnMissingInstance</c>).</summary>
public enum Missing
{
    /// <summary>
    /// The default: the event is consumed and dropped. There is no instance to write history to, so it is logged and
    /// counted (<c>herald.saga.events</c> with outcome <c>discarded</c>).
    /// </summary>
    Discard,

    /// <summary>
    /// Throws <see cref="SagaInstanceNotFoundException"/> so the consumer's retry policy runs the event again later — for an
    /// event that can overtake the one that starts the saga (e.g. from another topic). Exhausted retries dead-letter it.
    /// </summary>
    Retry,

    /// <summary>Dead-letters the event at once, without retries: an event without an instance is a bug worth looking at.</summary>
    Fault,
}
