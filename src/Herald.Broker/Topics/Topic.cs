using Herald.Broker.Log;
using Herald.Broker.Monitoring;

namespace Herald.Broker.Topics;

/// <summary>A topic: its id, configs and one <see cref="PartitionLog"/> per partition.</summary>
public sealed class Topic
{
    private PartitionLog[] _partitions;

    internal Topic(string name, Guid id, string directory, IReadOnlyDictionary<string, string> configs, PartitionLog[] partitions)
    {
        Name = name;
        Id = id;
        Directory = directory;
        Configs = configs;
        _partitions = partitions;
    }

    public string Name { get; }

    /// <summary>The topic id returned in Metadata v10+.</summary>
    public Guid Id { get; }

    /// <summary>The folder holding <c>topic.json</c> and one sub-folder per partition.</summary>
    public string Directory { get; }

    /// <summary>The configs set on this topic (overrides of the broker defaults).</summary>
    public IReadOnlyDictionary<string, string> Configs { get; internal set; }

    public int PartitionCount => Volatile.Read(ref _partitions).Length;

    public IReadOnlyList<PartitionLog> Partitions => Volatile.Read(ref _partitions);

    /// <summary>Records and bytes appended to and fetched from this topic since the broker started.</summary>
    public TopicStatistics Statistics { get; } = new();

    /// <summary>The log of <paramref name="partition"/>, or null when the topic has no such partition.</summary>
    public PartitionLog? Partition(int partition)
    {
        var partitions = Volatile.Read(ref _partitions);
        return (uint)partition < (uint)partitions.Length ? partitions[partition] : null;
    }

    internal void SetPartitions(PartitionLog[] partitions) => Volatile.Write(ref _partitions, partitions);
}
