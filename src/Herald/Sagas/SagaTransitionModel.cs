namespace Herald.Sagas;

/// <summary>A declared transition, compiled: the handler takes and returns untyped state and step names.</summary>
internal sealed class SagaTransitionModel
{
    /// <summary>The steps it leaves; <see langword="null"/> for a start.</summary>
    public required IReadOnlyList<string>? From { get; init; }

    public required Type EventType { get; init; }

    public required string EventName { get; init; }

    public required IReadOnlySet<string> To { get; init; }

    public required bool Compensates { get; init; }

    public required bool IsTimeout { get; init; }

    /// <summary>Runs the handler on (state, event, context) and returns the name of the step it chose.</summary>
    public required Func<object, object, SagaContext, CancellationToken, ValueTask<string>> Handler { get; init; }
}
