using System.Runtime.InteropServices;
using Herald.Broker.Log;
using Herald.Broker.Monitoring;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker;

public sealed partial class KafkaBroker
{
    /// <summary>Appends each partition's batches; acks=0 gets no response at all, as the protocol requires.</summary>
    private ProduceResponse? Produce(ProduceRequest request, short version)
    {
        var requestError = request.Acks is 0 or 1 or -1 ? ErrorCode.None : ErrorCode.InvalidRequiredAcks;
        string? requestMessage = requestError == ErrorCode.None ? null : $"acks must be -1, 0 or 1, not {request.Acks}";
        if (request.TransactionalId is not null)
        {
            requestError = ErrorCode.TransactionalIdAuthorizationFailed;
            requestMessage = "Herald does not support transactions";
        }

        var response = new ProduceResponse();
        foreach (var topicData in request.TopicData)
        {
            var topic = Topics.Find(topicData.Name);
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topicData.Name };
            response.Responses.Add(topicResponse);
            foreach (var partitionData in topicData.PartitionData)
            {
                var log = topic?.Partition(partitionData.Index);
                AppendResult result;
                if (requestError != ErrorCode.None)
                {
                    result = new AppendResult(requestError, -1, -1, requestMessage);
                }
                else if (log is null)
                {
                    result = new AppendResult(ErrorCode.UnknownTopicOrPartition, -1, -1, $"topic '{topicData.Name}' partition {partitionData.Index} does not exist");
                }
                else if (partitionData.Records is not { Length: > 0 } records)
                {
                    result = new AppendResult(ErrorCode.InvalidRecord, -1, log.LogStartOffset, "produce request without records");
                }
                else
                {
                    // The request buffer is ours until the response is written, so the log may stamp
                    // offsets into it in place instead of copying the batches.
                    result = log.Append(MemoryMarshal.AsMemory(records));
                    if (result.RecordsAppended > 0)
                    {
                        BrokerMetrics.RecordIn(topic!.Statistics, topic.Name, result.RecordsAppended, result.BytesAppended);
                    }
                }

                topicResponse.PartitionResponses.Add(new ProduceResponse.PartitionProduceResponse
                {
                    Index = partitionData.Index,
                    ErrorCode = (short)result.Error,
                    BaseOffset = result.BaseOffset,
                    LogAppendTimeMs = -1,
                    LogStartOffset = result.LogStartOffset,
                    ErrorMessage = result.ErrorMessage,
                });
            }
        }

        return request.Acks == 0 ? null : response;
    }

    private InitProducerIdResponse InitProducerId(InitProducerIdRequest request)
    {
        if (request.TransactionalId is not null)
        {
            return new InitProducerIdResponse { ErrorCode = (short)ErrorCode.TransactionalIdAuthorizationFailed, ProducerId = -1, ProducerEpoch = -1 };
        }

        // KIP-360: a producer that already has an id asks for an epoch bump and keeps its id.
        if (request.ProducerId >= 0 && request.ProducerEpoch >= 0)
        {
            if (request.ProducerEpoch == short.MaxValue)
            {
                return new InitProducerIdResponse { ProducerId = ProducerIds.Next(), ProducerEpoch = 0 };
            }

            return new InitProducerIdResponse { ProducerId = request.ProducerId, ProducerEpoch = (short)(request.ProducerEpoch + 1) };
        }

        return new InitProducerIdResponse { ProducerId = ProducerIds.Next(), ProducerEpoch = 0 };
    }
}
