using System.Globalization;
using Herald.Broker.Topics;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker;

public sealed partial class KafkaBroker
{
    private const sbyte TopicResource = 2;
    private const sbyte BrokerResource = 4;

    // Kafka's ConfigSource values (DescribeConfigs v1+).
    private const sbyte DynamicTopicConfig = 1;
    private const sbyte StaticBrokerConfig = 4;
    private const sbyte DefaultConfig = 5;

    private readonly record struct ConfigEntry(string Name, string Value, sbyte Source, bool ReadOnly);

    /// <summary>Every topic config with its effective value: the topic's override, else the broker default.</summary>
    private IEnumerable<ConfigEntry> ConfigEntries(IReadOnlyDictionary<string, string> overrides)
    {
        foreach (var (name, defaultValue) in TopicConfig.Defaults(Options.Log))
        {
            yield return overrides.TryGetValue(name, out var value)
                ? new ConfigEntry(name, value, DynamicTopicConfig, false)
                : new ConfigEntry(name, defaultValue, DefaultConfig, false);
        }
    }

    private IEnumerable<ConfigEntry> BrokerConfigEntries()
    {
        var log = Options.Log;
        yield return new("auto.create.topics.enable", Options.AutoCreateTopics ? "true" : "false", StaticBrokerConfig, true);
        yield return new("num.partitions", Options.DefaultPartitions.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("log.retention.ms", log.RetentionMs.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("log.retention.bytes", log.RetentionBytes.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("log.segment.bytes", log.SegmentBytes.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("message.max.bytes", log.MaxMessageBytes.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("socket.request.max.bytes", Options.MaxRequestBytes.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("group.initial.rebalance.delay.ms", Options.InitialRebalanceDelayMs.ToString(CultureInfo.InvariantCulture), StaticBrokerConfig, true);
        yield return new("default.replication.factor", "1", StaticBrokerConfig, true);
    }

    private static sbyte ConfigType(string name) => name switch
    {
        "cleanup.policy" => 7,
        "compression.type" or "message.timestamp.type" => 2,
        "auto.create.topics.enable" => 1,
        "max.message.bytes" or "index.interval.bytes" or "min.insync.replicas" or "num.partitions"
            or "message.max.bytes" or "socket.request.max.bytes" or "group.initial.rebalance.delay.ms" or "default.replication.factor" => 3,
        _ => 5,
    };

    private DescribeConfigsResponse DescribeConfigs(DescribeConfigsRequest request, short version)
    {
        var response = new DescribeConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
            };
            response.Results.Add(result);
            IEnumerable<ConfigEntry> entries;
            if (resource.ResourceType == TopicResource)
            {
                var topic = Topics.Find(resource.ResourceName);
                if (topic is null)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    result.ErrorMessage = $"topic '{resource.ResourceName}' does not exist";
                    continue;
                }

                entries = ConfigEntries(topic.Configs);
            }
            else if (resource.ResourceType == BrokerResource && (resource.ResourceName is "" || resource.ResourceName == NodeId.ToString(CultureInfo.InvariantCulture)))
            {
                entries = BrokerConfigEntries();
            }
            else
            {
                result.ErrorCode = (short)ErrorCode.InvalidRequest;
                result.ErrorMessage = $"resource type {resource.ResourceType} '{resource.ResourceName}' is not known to Herald";
                continue;
            }

            foreach (var entry in entries)
            {
                if (resource.ConfigurationKeys is { Count: > 0 } keys && !keys.Contains(entry.Name))
                {
                    continue;
                }

                var config = new DescribeConfigsResponse.DescribeConfigsResourceResult
                {
                    Name = entry.Name,
                    Value = entry.Value,
                    ReadOnly = entry.ReadOnly,
                    IsDefault = entry.Source == DefaultConfig,
                    ConfigSource = entry.Source,
                    ConfigType = ConfigType(entry.Name),
                };
                if (request.IncludeSynonyms && version >= 1)
                {
                    config.Synonyms.Add(new DescribeConfigsResponse.DescribeConfigsSynonym { Name = entry.Name, Value = entry.Value, Source = entry.Source });
                }

                result.Configs.Add(config);
            }
        }

        return response;
    }

    private AlterConfigsResponse AlterConfigs(AlterConfigsRequest request)
    {
        var response = new AlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            // AlterConfigs replaces the whole set of overrides (unlike IncrementalAlterConfigs).
            var configs = resource.Configs.ToDictionary(c => c.Name, c => c.Value ?? string.Empty, StringComparer.Ordinal);
            var (error, message) = ApplyTopicConfigs(resource.ResourceType, resource.ResourceName, configs, request.ValidateOnly);
            response.Responses.Add(new AlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorCode = (short)error,
                ErrorMessage = message,
            });
        }

        return response;
    }

    private IncrementalAlterConfigsResponse IncrementalAlterConfigs(IncrementalAlterConfigsRequest request)
    {
        var response = new IncrementalAlterConfigsResponse();
        foreach (var resource in request.Resources)
        {
            var topic = resource.ResourceType == TopicResource ? Topics.Find(resource.ResourceName) : null;
            var configs = new Dictionary<string, string>(topic?.Configs ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            string? opError = null;
            foreach (var change in resource.Configs)
            {
                switch (change.ConfigOperation)
                {
                    case 0: // SET
                        configs[change.Name] = change.Value ?? string.Empty;
                        break;
                    case 1: // DELETE: back to the default
                        configs.Remove(change.Name);
                        break;
                    default: // APPEND / SUBTRACT only apply to list configs, none of which can hold more than one value here
                        opError = $"operation {change.ConfigOperation} is not supported for '{change.Name}'";
                        break;
                }
            }

            var (error, message) = opError is not null
                ? (ErrorCode.InvalidConfig, opError)
                : ApplyTopicConfigs(resource.ResourceType, resource.ResourceName, configs, request.ValidateOnly);
            response.Responses.Add(new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse
            {
                ResourceType = resource.ResourceType,
                ResourceName = resource.ResourceName,
                ErrorCode = (short)error,
                ErrorMessage = message,
            });
        }

        return response;
    }

    private (ErrorCode, string?) ApplyTopicConfigs(sbyte resourceType, string name, Dictionary<string, string> configs, bool validateOnly)
    {
        if (resourceType != TopicResource)
        {
            return (ErrorCode.InvalidRequest, "only topic configs can be changed at runtime; broker settings are options of `herald serve`");
        }

        var topic = Topics.Find(name);
        if (topic is null)
        {
            return (ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
        }

        foreach (var (key, value) in configs)
        {
            if (TopicConfig.Validate(key, value) is { } invalid)
            {
                return (ErrorCode.InvalidConfig, invalid);
            }
        }

        if (!validateOnly)
        {
            Topics.SetConfigs(topic, configs);
        }

        return (ErrorCode.None, null);
    }
}
