namespace Herald.Sagas;

/// <summary>Completes a <c>Finally</c> declaration.</summary>
public sealed class SagaFinalBuilder
{
    private readonly Action<TimeSpan> _retain;

    internal SagaFinalBuilder(Action<TimeSpan> retain) => _retain = retain;

    /// <summary>
    /// How long a completed instance (its row, history and timeouts) is kept before it is purged, so late events still
    /// find it and its history can be read. Default 30 days.
    /// </summary>
    public SagaFinalBuilder RetainFor(TimeSpan retention)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(retention, TimeSpan.Zero);
        _retain(retention);
        return this;
    }
}
