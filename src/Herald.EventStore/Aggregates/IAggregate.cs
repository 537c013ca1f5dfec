namespace Herald.EventStore.Aggregates;

/// <summary>State rebuilt by folding a stream's events; the class needs a parameterless constructor.</summary>
public interface IAggregate
{
    /// <summary>Applies one event to the state. Must be deterministic: the same events give the same state.</summary>
    void Apply(object @event);
}

/// <summary>A loaded aggregate with the stream version it reflects (the expected version of the next append).</summary>
public sealed record Loaded<T>(T State, long Version, int EventsFolded, bool FromSnapshot);
