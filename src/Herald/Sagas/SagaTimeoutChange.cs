namespace Herald.Sagas;

/// <summary>What a step does to an instance's timeouts.</summary>
public enum SagaTimeoutAction
{
    /// <summary>Cancels the pending timeouts of the same type (superseded), then adds this one.</summary>
    Schedule,

    /// <summary>Cancels the pending timeouts of one type.</summary>
    Cancel,

    /// <summary>Cancels every pending timeout of the instance (it reached a final step).</summary>
    CancelAll,
}

/// <summary>One change to an instance's timeouts, made in the step's transaction.</summary>
/// <param name="Action">Schedule, cancel one type, or cancel all.</param>
/// <param name="TimeoutType">The timeout's type name; null for <see cref="SagaTimeoutAction.CancelAll"/>.</param>
/// <param name="Token">The new timeout's token (schedule only).</param>
/// <param name="DueAt">When it fires (schedule only).</param>
/// <param name="Payload">The timeout event as JSON (schedule only).</param>
public sealed record SagaTimeoutChange(SagaTimeoutAction Action, string? TimeoutType, Guid? Token, DateTimeOffset? DueAt, string? Payload)
{
    public static SagaTimeoutChange Schedule(string timeoutType, Guid token, DateTimeOffset dueAt, string payload) =>
        new(SagaTimeoutAction.Schedule, timeoutType, token, dueAt, payload);

    public static SagaTimeoutChange Cancel(string timeoutType) => new(SagaTimeoutAction.Cancel, timeoutType, null, null, null);

    public static SagaTimeoutChange CancelAll() => new(SagaTimeoutAction.CancelAll, null, null, null, null);
}
