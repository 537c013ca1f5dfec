using System.Collections.Concurrent;
using System.Text.Json;
using Herald.Broker.Log;
using Herald.Protocol;
using Microsoft.Extensions.Logging;

namespace Herald.Broker.Topics;

/// <summary>Creates, finds, reconfigures and deletes topics, and keeps their metadata in the data folder.</summary>
/// <remarks>
/// Layout: <c>{data}/topics/{name}/topic.json</c> holds the id, partition count and configs;
/// <c>{data}/topics/{name}/{partition}/</c> holds that partition's segment files.
/// </remarks>
public sealed class TopicManager : IDisposable
{
    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly Lock _createLock = new();
    private readonly string _root;
    private readonly LogOptions _defaults;
    private readonly ILogger _logger;

    public TopicManager(string dataDirectory, LogOptions defaults, ILogger logger)
    {
        _root = Path.Combine(dataDirectory, "topics");
        _defaults = defaults;
        _logger = logger;
        System.IO.Directory.CreateDirectory(_root);
        Load();
    }

    /// <summary>The broker-wide log defaults that topic configs override.</summary>
    public LogOptions Defaults => _defaults;

    public IReadOnlyCollection<Topic> All => (IReadOnlyCollection<Topic>)_topics.Values;

    public Topic? Find(string name) => _topics.TryGetValue(name, out var topic) ? topic : null;

    /// <summary>The log of one partition, or null if the topic or partition does not exist.</summary>
    public PartitionLog? FindPartition(string topic, int partition) => Find(topic)?.Partition(partition);

    private void Load()
    {
        foreach (var dir in System.IO.Directory.GetDirectories(_root))
        {
            var metaPath = Path.Combine(dir, "topic.json");
            if (!File.Exists(metaPath))
            {
                _logger.LogWarning("Skipping {Directory}: no topic.json (an interrupted create or delete)", dir);
                continue;
            }

            var meta = JsonSerializer.Deserialize<TopicMetadata>(File.ReadAllText(metaPath))
                ?? throw new InvalidDataException($"{metaPath} is empty");
            var options = TopicConfig.Apply(_defaults, meta.Configs);
            var partitions = new PartitionLog[meta.Partitions];
            for (int p = 0; p < partitions.Length; p++)
            {
                partitions[p] = PartitionLog.Open(Path.Combine(dir, p.ToString(System.Globalization.CultureInfo.InvariantCulture)), options, _logger);
            }

            _topics[meta.Name] = new Topic(meta.Name, meta.Id, dir, meta.Configs, partitions);
        }
    }

    /// <summary>Validates a create request without creating anything; returns the error, if any.</summary>
    public (ErrorCode Error, string? Message) ValidateCreate(string name, int partitions, IReadOnlyDictionary<string, string> configs)
    {
        if (TopicName.Validate(name) is { } invalid)
        {
            return (ErrorCode.InvalidTopicException, invalid);
        }

        if (_topics.ContainsKey(name))
        {
            return (ErrorCode.TopicAlreadyExists, $"topic '{name}' already exists");
        }

        if (partitions < 1 || partitions > 10_000)
        {
            return (ErrorCode.InvalidPartitions, $"a topic needs between 1 and 10000 partitions, not {partitions}");
        }

        foreach (var (key, value) in configs)
        {
            if (TopicConfig.Validate(key, value) is { } bad)
            {
                return (ErrorCode.InvalidConfig, bad);
            }
        }

        return (ErrorCode.None, null);
    }

    /// <summary>Creates a topic, or returns the error that prevented it.</summary>
    public (ErrorCode Error, string? Message, Topic? Topic) Create(string name, int partitions, IReadOnlyDictionary<string, string> configs)
    {
        lock (_createLock)
        {
            var (error, message) = ValidateCreate(name, partitions, configs);
            if (error != ErrorCode.None)
            {
                return (error, message, _topics.GetValueOrDefault(name));
            }

            var dir = Path.Combine(_root, name);
            if (System.IO.Directory.Exists(dir))
            {
                // Left behind by a crash between creating the folder and writing topic.json.
                System.IO.Directory.Delete(dir, recursive: true);
            }

            System.IO.Directory.CreateDirectory(dir);
            var configCopy = new Dictionary<string, string>(configs, StringComparer.Ordinal);
            var options = TopicConfig.Apply(_defaults, configCopy);
            var logs = new PartitionLog[partitions];
            for (int p = 0; p < partitions; p++)
            {
                logs[p] = PartitionLog.Open(Path.Combine(dir, p.ToString(System.Globalization.CultureInfo.InvariantCulture)), options, _logger);
            }

            var topic = new Topic(name, Guid.NewGuid(), dir, configCopy, logs);
            WriteMetadata(topic);
            _topics[name] = topic;
            _logger.LogInformation("Created topic {Topic} with {Partitions} partition(s)", name, partitions);
            return (ErrorCode.None, null, topic);
        }
    }

    /// <summary>Finds a topic, creating it with the default partition count when auto-creation allows.</summary>
    public (ErrorCode Error, Topic? Topic) GetOrCreate(string name, bool autoCreate, int defaultPartitions)
    {
        if (Find(name) is { } existing)
        {
            return (ErrorCode.None, existing);
        }

        if (TopicName.Validate(name) is not null)
        {
            return (ErrorCode.InvalidTopicException, null);
        }

        if (!autoCreate)
        {
            return (ErrorCode.UnknownTopicOrPartition, null);
        }

        var (error, _, topic) = Create(name, defaultPartitions, new Dictionary<string, string>());
        return error == ErrorCode.TopicAlreadyExists ? (ErrorCode.None, topic) : (error, topic);
    }

    /// <summary>Deletes a topic and its files. Returns false when it does not exist.</summary>
    public bool Delete(string name)
    {
        lock (_createLock)
        {
            if (!_topics.TryRemove(name, out var topic))
            {
                return false;
            }

            // Remove topic.json first: a crash half-way leaves a folder that start-up skips and create replaces.
            File.Delete(Path.Combine(topic.Directory, "topic.json"));
            foreach (var log in topic.Partitions)
            {
                log.DeleteFiles();
            }

            System.IO.Directory.Delete(topic.Directory, recursive: true);
            _logger.LogInformation("Deleted topic {Topic}", name);
            return true;
        }
    }

    /// <summary>Replaces a topic's config overrides and applies them to its partition logs.</summary>
    public void SetConfigs(Topic topic, IReadOnlyDictionary<string, string> configs)
    {
        lock (_createLock)
        {
            topic.Configs = new Dictionary<string, string>(configs, StringComparer.Ordinal);
            var options = TopicConfig.Apply(_defaults, topic.Configs);
            foreach (var log in topic.Partitions)
            {
                log.Options = options;
            }

            WriteMetadata(topic);
        }
    }

    /// <summary>Grows a topic to <paramref name="count"/> partitions.</summary>
    public void AddPartitions(Topic topic, int count)
    {
        lock (_createLock)
        {
            var existing = topic.Partitions;
            var options = TopicConfig.Apply(_defaults, topic.Configs);
            var logs = new PartitionLog[count];
            for (int p = 0; p < count; p++)
            {
                logs[p] = p < existing.Count
                    ? existing[p]
                    : PartitionLog.Open(Path.Combine(topic.Directory, p.ToString(System.Globalization.CultureInfo.InvariantCulture)), options, _logger);
            }

            topic.SetPartitions(logs);
            WriteMetadata(topic);
        }
    }

    private static void WriteMetadata(Topic topic)
    {
        var meta = new TopicMetadata(topic.Name, topic.Id, topic.PartitionCount, new Dictionary<string, string>(topic.Configs));
        var path = Path.Combine(topic.Directory, "topic.json");
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(meta));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Applies retention to every partition; returns how many segments were deleted.</summary>
    public int ApplyRetention(long nowUnixMs)
    {
        int deleted = 0;
        foreach (var topic in _topics.Values)
        {
            foreach (var log in topic.Partitions)
            {
                deleted += log.ApplyRetention(nowUnixMs);
            }
        }

        return deleted;
    }

    /// <summary>Flushes every partition log to disk.</summary>
    public void FlushAll()
    {
        foreach (var topic in _topics.Values)
        {
            foreach (var log in topic.Partitions)
            {
                log.Flush();
            }
        }
    }

    public void Dispose()
    {
        foreach (var topic in _topics.Values)
        {
            foreach (var log in topic.Partitions)
            {
                log.Dispose();
            }
        }

        _topics.Clear();
    }

    private sealed record TopicMetadata(string Name, Guid Id, int Partitions, Dictionary<string, string> Configs);
}
