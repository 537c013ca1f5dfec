using Herald.Registry.Compatibility;

namespace Herald.Registry;

/// <summary>Settings of the schema registry.</summary>
public sealed record RegistryOptions
{
    /// <summary>Where the registry journal lives (<c>{data}/registry</c>).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The global compatibility level until someone changes it. Default BACKWARD, as Confluent.</summary>
    public CompatibilityLevel DefaultCompatibility { get; init; } = CompatibilityLevel.Backward;

    /// <summary>The largest schema text accepted, in bytes. Default 1 MiB.</summary>
    public int MaxSchemaBytes { get; init; } = 1024 * 1024;

    /// <summary>fsync each journal line before answering. Default false (flushed to the OS, survives a killed process).</summary>
    public bool Fsync { get; init; }

    /// <summary>How long one compatibility check may run before it is reported as timed out.</summary>
    public TimeSpan CheckBudget { get; init; } = TimeSpan.FromSeconds(10);
}
