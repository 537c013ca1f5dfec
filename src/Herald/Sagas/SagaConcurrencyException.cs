namespace Herald.Sagas;

/// <summary>
/// Another transaction changed (or created) the saga instance after this one read it; this transaction's effects roll
/// back and the event is handled again by the consumer's retry policy, against the new state.
/// </summary>
public sealed class SagaConcurrencyException : SagaException
{
    public SagaConcurrencyException(string sagaType, string sagaId, long expectedVersion, Exception? innerException = null)
        : base(expectedVersion == 0
            ? $"saga {sagaType} '{sagaId}' was created by another transaction first; the event will be handled again against it"
            : $"saga {sagaType} '{sagaId}' changed after version {expectedVersion} was read; the event will be handled again against the new state", innerException)
    {
        SagaType = sagaType;
        SagaId = sagaId;
        ExpectedVersion = expectedVersion;
    }

    public string SagaType { get; }

    public string SagaId { get; }

    /// <summary>The version the transaction read (0: it tried to create the instance).</summary>
    public long ExpectedVersion { get; }

    public override bool IsTransient => true;
}
