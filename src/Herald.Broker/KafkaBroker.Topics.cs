using Herald.Broker.Topics;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker;

public sealed partial class KafkaBroker
{
    private CreateTopicsResponse CreateTopics(CreateTopicsRequest request, short version)
    {
        var response = new CreateTopicsResponse();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var requested in request.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = requested.Name, NumPartitions = -1, ReplicationFactor = -1 };
            response.Topics.Add(result);
            var configs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var config in requested.Configs)
            {
                configs[config.Name] = config.Value ?? string.Empty;
            }

            int partitions = requested.Assignments.Count > 0 ? requested.Assignments.Count
                : requested.NumPartitions == -1 ? Options.DefaultPartitions
                : requested.NumPartitions;
            var (error, message) = !seen.Add(requested.Name)
                ? (ErrorCode.InvalidRequest, $"topic '{requested.Name}' appears more than once in the request")
                : requested.ReplicationFactor is not (1 or -1)
                    ? (ErrorCode.InvalidReplicationFactor, $"replication factor {requested.ReplicationFactor} is larger than the 1 broker Herald runs")
                    : requested.Assignments.Count > 0 && requested.NumPartitions != -1
                        ? (ErrorCode.InvalidRequest, "give either a partition count or replica assignments, not both")
                        : requested.Assignments.Any(a => a.BrokerIds.Any(b => b != NodeId))
                            ? (ErrorCode.InvalidReplicaAssignment, $"replicas can only be assigned to broker {NodeId}")
                            : Topics.ValidateCreate(requested.Name, partitions, configs);
            if (error == ErrorCode.None && !request.validateOnly)
            {
                Topics.Create(requested.Name, partitions, configs);
            }

            result.ErrorCode = (short)error;
            result.ErrorMessage = message;
            if (error == ErrorCode.None)
            {
                result.NumPartitions = partitions;
                result.ReplicationFactor = 1;
                result.TopicId = Topics.Find(requested.Name)?.Id ?? Guid.Empty;
                if (version >= 5)
                {
                    result.Configs = ConfigEntries(configs)
                        .Select(c => new CreateTopicsResponse.CreatableTopicConfigs
                        {
                            Name = c.Name,
                            Value = c.Value,
                            ConfigSource = c.Source,
                        })
                        .ToList();
                }
            }
        }

        return response;
    }

    private DeleteTopicsResponse DeleteTopics(DeleteTopicsRequest request, short version)
    {
        var response = new DeleteTopicsResponse();
        var names = version >= 6
            ? request.Topics.Select(t => (t.Name ?? Topics.All.FirstOrDefault(x => x.Id == t.TopicId)?.Name, t.TopicId))
            : request.TopicNames.Select(n => ((string?)n, Guid.Empty));
        foreach (var (name, id) in names)
        {
            var topic = name is null ? null : Topics.Find(name);
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = name, TopicId = topic?.Id ?? id };
            response.Responses.Add(result);
            if (topic is null || !Topics.Delete(topic.Name))
            {
                result.ErrorCode = (short)(name is null ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition);
                result.ErrorMessage = $"topic '{name ?? id.ToString()}' does not exist";
                continue;
            }

            Groups.RemoveTopic(topic.Name);
        }

        return response;
    }

    private CreatePartitionsResponse CreatePartitions(CreatePartitionsRequest request)
    {
        var response = new CreatePartitionsResponse();
        foreach (var requested in request.Topics)
        {
            var result = new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = requested.Name };
            response.Results.Add(result);
            var topic = Topics.Find(requested.Name);
            var (error, message) = topic is null ? (ErrorCode.UnknownTopicOrPartition, $"topic '{requested.Name}' does not exist")
                : requested.Count <= topic.PartitionCount ? (ErrorCode.InvalidPartitions, $"topic '{requested.Name}' has {topic.PartitionCount} partitions; the count can only grow")
                : requested.Count > 10_000 ? (ErrorCode.InvalidPartitions, "a topic can have at most 10000 partitions")
                : (ErrorCode.None, (string?)null);
            if (error == ErrorCode.None && !request.ValidateOnly)
            {
                Topics.AddPartitions(topic!, requested.Count);
            }

            result.ErrorCode = (short)error;
            result.ErrorMessage = message;
        }

        return response;
    }
}
