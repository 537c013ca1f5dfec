namespace Herald.Sagas;

/// <summary>What a saga did with one event or timeout (the <c>herald.saga.outcome</c> tag).</summary>
public enum SagaOutcome
{
    /// <summary>The event created an instance.</summary>
    Started,

    /// <summary>A forward transition ran (an event or a timeout).</summary>
    Transitioned,

    /// <summary>A compensation transition ran.</summary>
    Compensated,

    /// <summary>The step had no transition for it: an <c>ignored</c> entry, no change.</summary>
    Ignored,

    /// <summary>It arrived after completion: a <c>late</c> entry, no change.</summary>
    Late,

    /// <summary>The step ignores it explicitly (<c>Ignore&lt;T&gt;</c>, <c>IgnoreAll</c>): no entry, no change.</summary>
    Dropped,

    /// <summary>The instance's history already has its event id: no entry, no change.</summary>
    Duplicate,

    /// <summary>It found no instance and its policy is <see cref="Missing.Discard"/>: logged, nothing written.</summary>
    Discarded,

    /// <summary>A timeout that was cancelled or superseded (or whose instance is gone) by the time it was claimed: dropped.</summary>
    Stale,
}
