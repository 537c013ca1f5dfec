using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker;

public sealed partial class KafkaBroker
{
    private const long LatestTimestamp = -1;
    private const long EarliestTimestamp = -2;
    private const long MaxTimestamp = -3;

    private ListOffsetsResponse ListOffsets(ListOffsetsRequest request, short version)
    {
        var response = new ListOffsetsResponse();
        foreach (var requested in request.Topics)
        {
            var topic = Topics.Find(requested.Name);
            var topicResponse = new ListOffsetsResponse.ListOffsetsTopicResponse { Name = requested.Name };
            response.Topics.Add(topicResponse);
            foreach (var partition in requested.Partitions)
            {
                var result = new ListOffsetsResponse.ListOffsetsPartitionResponse
                {
                    PartitionIndex = partition.PartitionIndex,
                    Timestamp = -1,
                    Offset = -1,
                    LeaderEpoch = 0,
                };
                topicResponse.Partitions.Add(result);
                var log = topic?.Partition(partition.PartitionIndex);
                if (log is null)
                {
                    result.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                switch (partition.Timestamp)
                {
                    case LatestTimestamp:
                        result.Offset = log.LogEndOffset;
                        break;
                    case EarliestTimestamp:
                        result.Offset = log.LogStartOffset;
                        break;
                    case MaxTimestamp:
                        (result.Offset, result.Timestamp) = log.FindMaxTimestamp();
                        break;
                    case < 0:
                        result.ErrorCode = (short)ErrorCode.InvalidRequest;
                        break;
                    default:
                        result.Offset = log.FindOffsetForTimestamp(partition.Timestamp);
                        result.Timestamp = result.Offset >= 0 ? partition.Timestamp : -1;
                        break;
                }
            }
        }

        return response;
    }

    /// <summary>Single node, leader epoch always 0: the end offset of epoch 0 is the log end (KIP-320).</summary>
    private OffsetForLeaderEpochResponse OffsetForLeaderEpoch(OffsetForLeaderEpochRequest request)
    {
        var response = new OffsetForLeaderEpochResponse();
        foreach (var requested in request.Topics)
        {
            var topic = Topics.Find(requested.Topic);
            var result = new OffsetForLeaderEpochResponse.OffsetForLeaderTopicResult { Topic = requested.Topic };
            response.Topics.Add(result);
            foreach (var partition in requested.Partitions)
            {
                var log = topic?.Partition(partition.Partition);
                var error = log is null ? ErrorCode.UnknownTopicOrPartition
                    : partition.CurrentLeaderEpoch > 0 ? ErrorCode.UnknownLeaderEpoch
                    : ErrorCode.None;
                result.Partitions.Add(new OffsetForLeaderEpochResponse.EpochEndOffset
                {
                    Partition = partition.Partition,
                    ErrorCode = (short)error,
                    LeaderEpoch = error == ErrorCode.None ? 0 : -1,
                    EndOffset = error == ErrorCode.None ? log!.LogEndOffset : -1,
                });
            }
        }

        return response;
    }

    private DeleteRecordsResponse DeleteRecords(DeleteRecordsRequest request)
    {
        var response = new DeleteRecordsResponse();
        foreach (var requested in request.Topics)
        {
            var topic = Topics.Find(requested.Name);
            var result = new DeleteRecordsResponse.DeleteRecordsTopicResult { Name = requested.Name };
            response.Topics.Add(result);
            foreach (var partition in requested.Partitions)
            {
                var log = topic?.Partition(partition.PartitionIndex);
                var entry = new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = partition.PartitionIndex, LowWatermark = -1 };
                result.Partitions.Add(entry);
                if (log is null)
                {
                    entry.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                // -1 means "up to the high watermark", as in Kafka's AdminClient.
                long offset = partition.Offset == -1 ? log.LogEndOffset : partition.Offset;
                if (offset < 0 || offset > log.LogEndOffset)
                {
                    entry.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                    continue;
                }

                log.DeleteRecordsBefore(offset);
                entry.LowWatermark = log.LogStartOffset;
            }
        }

        return response;
    }
}
