using Herald.Broker.Log;
using Herald.Broker.Monitoring;
using Herald.Protocol.Records;
using Herald.Broker.Network;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker;

public sealed partial class KafkaBroker
{
    /// <summary>Longest a fetch may park, whatever the client asks.</summary>
    private const int MaxFetchWaitMs = 60_000;

    private async ValueTask<FetchResponse> FetchAsync(FetchRequest request, RequestContext context)
    {
        int minBytes = Math.Max(request.MinBytes, 1);
        var deadline = Environment.TickCount64 + Math.Clamp(request.MaxWaitMs, 0, MaxFetchWaitMs);
        while (true)
        {
            var (response, bytes, waitable, hasError) = ReadForFetch(request, context);
            long remaining = deadline - Environment.TickCount64;
            if (bytes >= minBytes || hasError || remaining <= 0 || waitable.Count == 0 || context.Cancellation.IsCancellationRequested)
            {
                CountServed(request, response);
                return response;
            }

            // Long poll: park until any fetched partition grows or the wait is over, then read again.
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
            wait.CancelAfter(TimeSpan.FromMilliseconds(remaining));
            var tasks = new Task[waitable.Count];
            for (int i = 0; i < tasks.Length; i++)
            {
                tasks[i] = waitable[i].Log.WaitForAppendAsync(waitable[i].Offset, wait.Token).AsTask();
            }

            await Task.WhenAny(tasks).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            context.ReleaseResources();
        }
    }

    /// <summary>Adds the records and bytes a fetch response carries to each topic's counters (the records at or after each fetch offset).</summary>
    private void CountServed(FetchRequest request, FetchResponse response)
    {
        for (int t = 0; t < response.Responses.Count; t++)
        {
            var topicResponse = response.Responses[t];
            var topic = Topics.Find(topicResponse.Topic);
            if (topic is null)
            {
                continue;
            }

            long messages = 0, bytes = 0;
            var fetchTopic = request.Topics[t];
            for (int p = 0; p < topicResponse.Partitions.Count; p++)
            {
                var records = (topicResponse.Partitions[p].Records ?? ReadOnlyMemory<byte>.Empty).Span;
                if (records.IsEmpty)
                {
                    continue;
                }

                long fetchOffset = fetchTopic.Partitions[p].FetchOffset;
                bytes += records.Length;
                while (RecordBatchHeader.TryParse(records, out var header) && header.TotalSize <= records.Length)
                {
                    messages += header.LastOffset + 1 - Math.Max(header.BaseOffset, fetchOffset);
                    records = records[header.TotalSize..];
                }
            }

            if (bytes > 0)
            {
                BrokerMetrics.RecordOut(topic.Statistics, topic.Name, messages, bytes);
            }
        }
    }

    private (FetchResponse Response, long Bytes, List<(PartitionLog Log, long Offset)> Waitable, bool HasError) ReadForFetch(FetchRequest request, RequestContext context)
    {
        // v3+ caps the whole response (KIP-74); the first batch is returned even when it is bigger.
        long budget = context.ApiVersion >= 3 ? Math.Max(request.MaxBytes, 0) : long.MaxValue;
        long total = 0;
        bool hasError = false;
        var waitable = new List<(PartitionLog, long)>();
        var response = new FetchResponse();
        foreach (var fetchTopic in request.Topics)
        {
            var topic = Topics.Find(fetchTopic.Topic);
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = fetchTopic.Topic, TopicId = fetchTopic.TopicId };
            response.Responses.Add(topicResponse);
            foreach (var partition in fetchTopic.Partitions)
            {
                var data = new FetchResponse.PartitionData
                {
                    PartitionIndex = partition.Partition,
                    HighWatermark = -1,
                    LastStableOffset = -1,
                    LogStartOffset = -1,
                    PreferredReadReplica = -1,
                    Records = ReadOnlyMemory<byte>.Empty,
                };
                topicResponse.Partitions.Add(data);
                var log = topic?.Partition(partition.Partition);
                if (log is null)
                {
                    data.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    hasError = true;
                    continue;
                }

                long limit = Math.Min(partition.PartitionMaxBytes, budget - total);
                if (limit <= 0 && total > 0)
                {
                    data.HighWatermark = data.LastStableOffset = log.LogEndOffset;
                    data.LogStartOffset = log.LogStartOffset;
                    continue;
                }

                var read = log.Read(partition.FetchOffset, (int)Math.Clamp(limit, 1, int.MaxValue));
                context.ReleaseAfterResponse(read);
                data.ErrorCode = (short)read.Error;
                data.HighWatermark = read.HighWatermark;
                data.LastStableOffset = read.HighWatermark;
                data.LogStartOffset = read.LogStartOffset;
                data.Records = read.Records;
                total += read.Records.Length;
                if (read.Error == ErrorCode.None && read.Records.Length == 0)
                {
                    waitable.Add((log, partition.FetchOffset));
                }
                else if (read.Error != ErrorCode.None)
                {
                    // An error is news the client must hear now: do not park the fetch.
                    hasError = true;
                }
            }
        }

        return (response, total, waitable, hasError);
    }
}
