using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker;

public sealed partial class KafkaBroker
{
    private MetadataResponse Metadata(MetadataRequest request, short version)
    {
        var response = new MetadataResponse { ClusterId = ClusterId, ControllerId = NodeId, ClusterAuthorizedOperations = int.MinValue };
        response.Brokers.Add(new MetadataResponse.MetadataResponseBroker
        {
            NodeId = NodeId,
            Host = AdvertisedListener.Host,
            Port = AdvertisedListener.Port,
        });

        // v0 asks for every topic with an empty list; v1+ with null.
        bool all = request.Topics is null || (version == 0 && request.Topics.Count == 0);
        if (all)
        {
            foreach (var topic in Topics.All.OrderBy(t => t.Name, StringComparer.Ordinal))
            {
                response.Topics.Add(Describe(topic));
            }

            return response;
        }

        // Before v4 every Metadata request may create topics; from v4 the client says so.
        bool mayCreate = Options.AutoCreateTopics && (version < 4 || request.AllowAutoTopicCreation);
        foreach (var requested in request.Topics!)
        {
            var name = requested.Name;
            if (name is null)
            {
                response.Topics.Add(new MetadataResponse.MetadataResponseTopic
                {
                    ErrorCode = (short)ErrorCode.UnknownTopicId,
                    TopicId = requested.TopicId,
                });
                continue;
            }

            var (error, topic) = Topics.GetOrCreate(name, mayCreate, Options.DefaultPartitions);
            response.Topics.Add(topic is null
                ? new MetadataResponse.MetadataResponseTopic { ErrorCode = (short)error, Name = name }
                : Describe(topic));
        }

        return response;
    }

    private static MetadataResponse.MetadataResponseTopic Describe(Topics.Topic topic)
    {
        var result = new MetadataResponse.MetadataResponseTopic
        {
            Name = topic.Name,
            TopicId = topic.Id,
            TopicAuthorizedOperations = int.MinValue,
        };
        for (int p = 0; p < topic.PartitionCount; p++)
        {
            result.Partitions.Add(new MetadataResponse.MetadataResponsePartition
            {
                PartitionIndex = p,
                LeaderId = NodeId,
                LeaderEpoch = 0,
                ReplicaNodes = [NodeId],
                IsrNodes = [NodeId],
            });
        }

        return result;
    }

    private DescribeClusterResponse DescribeCluster(DescribeClusterRequest request)
    {
        var response = new DescribeClusterResponse
        {
            ClusterId = ClusterId,
            ControllerId = NodeId,
            ClusterAuthorizedOperations = int.MinValue,
            EndpointType = request.EndpointType,
        };
        response.Brokers.Add(new DescribeClusterResponse.DescribeClusterBroker
        {
            BrokerId = NodeId,
            Host = AdvertisedListener.Host,
            Port = AdvertisedListener.Port,
        });
        return response;
    }

    private FindCoordinatorResponse FindCoordinator(FindCoordinatorRequest request, short version)
    {
        var response = new FindCoordinatorResponse();
        if (version < 4)
        {
            var (error, message) = CoordinatorFor(request.KeyType);
            response.ErrorCode = (short)error;
            response.ErrorMessage = message;
            response.NodeId = error == ErrorCode.None ? NodeId : -1;
            response.Host = error == ErrorCode.None ? AdvertisedListener.Host : string.Empty;
            response.Port = error == ErrorCode.None ? AdvertisedListener.Port : -1;
            return response;
        }

        foreach (var key in request.CoordinatorKeys)
        {
            var (error, message) = CoordinatorFor(request.KeyType);
            response.Coordinators.Add(new FindCoordinatorResponse.Coordinator
            {
                Key = key,
                ErrorCode = (short)error,
                ErrorMessage = message,
                NodeId = error == ErrorCode.None ? NodeId : -1,
                Host = error == ErrorCode.None ? AdvertisedListener.Host : string.Empty,
                Port = error == ErrorCode.None ? AdvertisedListener.Port : -1,
            });
        }

        return response;
    }

    private static (ErrorCode, string?) CoordinatorFor(sbyte keyType) => keyType switch
    {
        0 => (ErrorCode.None, null),
        1 => (ErrorCode.CoordinatorNotAvailable, "Herald does not support transactions"),
        _ => (ErrorCode.InvalidRequest, $"unknown coordinator key type {keyType}"),
    };
}
