namespace Herald.Contracts;

/// <summary>Names an event contract and its version; optional (the type name and version 1 are the defaults).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventContractAttribute : Attribute
{
    public EventContractAttribute(string? name = null)
    {
        Name = name;
    }

    /// <summary>The <c>event_type</c> on the wire; default: the type name.</summary>
    public string? Name { get; }

    /// <summary>The <c>event_version</c>; bump it when the contract changes. Default 1.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The topic this event is published to, unless the options map it elsewhere.</summary>
    public string? Topic { get; init; }
}

/// <summary>Marks the property whose value keys the event: every event of one entity goes to one partition, in order.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class PartitionKeyAttribute : Attribute;

/// <summary>Marks personal data: its value never appears in logs, exception messages or dead-letter headers.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter, Inherited = false)]
public sealed class PiiAttribute : Attribute;
