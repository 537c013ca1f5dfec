using System.Text.Json.Serialization;

namespace Herald.Sagas;

/// <summary>
/// The state of one saga instance: derive from it and add the data the saga keeps (payment id, reservation id, ...).
/// Everything the derived class declares is stored as JSON in <c>herald_saga.data</c>.
/// </summary>
/// <typeparam name="TStep">The enum of the saga's steps.</typeparam>
/// <remarks>
/// The engine sets <see cref="Id"/>, <see cref="Step"/>, <see cref="Version"/> and the timestamps from the row's columns
/// before a handler runs; handlers change the data and return the next step instead of setting <see cref="Step"/>.
/// The derived class needs a public parameterless constructor and JSON-serializable properties.
/// </remarks>
public abstract class SagaState<TStep>
    where TStep : struct, Enum
{
    /// <summary>The correlation id the instance was found by (e.g. the order id).</summary>
    [JsonIgnore]
    public string Id { get; internal set; } = "";

    /// <summary>The step the instance is in; during a handler, the step before the event.</summary>
    [JsonIgnore]
    public TStep Step { get; internal set; }

    /// <summary>How many state changes were committed; 0 while the starting event is handled.</summary>
    [JsonIgnore]
    public long Version { get; internal set; }

    /// <summary>When the starting event was handled.</summary>
    [JsonIgnore]
    public DateTimeOffset CreatedAt { get; internal set; }

    /// <summary>When the last state change committed.</summary>
    [JsonIgnore]
    public DateTimeOffset UpdatedAt { get; internal set; }
}
