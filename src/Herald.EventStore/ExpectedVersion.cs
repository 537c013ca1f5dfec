namespace Herald.EventStore;

/// <summary>What an append expects of the stream: the optimistic-concurrency check.</summary>
/// <remarks>Stream versions count events: a new stream is at version 0, its first event is version 1.</remarks>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long value) => Value = value;

    /// <summary>The raw value: a version ≥ 0, or one of the negative markers.</summary>
    public long Value { get; }

    /// <summary>No check at all.</summary>
    public static ExpectedVersion Any { get; } = new(-1);

    /// <summary>The stream must not exist yet.</summary>
    public static ExpectedVersion NoStream { get; } = new(-2);

    /// <summary>The stream must exist (have at least one event).</summary>
    public static ExpectedVersion StreamExists { get; } = new(-3);

    /// <summary>The stream must be at exactly <paramref name="version"/> (0 = empty).</summary>
    public static ExpectedVersion Exact(long version) =>
        version >= 0 ? new(version) : throw new ArgumentOutOfRangeException(nameof(version), version, "a stream version is 0 or more");

    public override string ToString() => Value switch
    {
        -1 => "any",
        -2 => "no stream",
        -3 => "stream exists",
        _ => $"version {Value}",
    };
}
