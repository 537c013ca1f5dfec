using System.Text;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>Handles OffsetCommit (API key 8): validates the member and stores offset, leader epoch and metadata durably.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version (v0 has no member, v1 a commit timestamp, v6+ leader epochs, v7+ group.instance.id).</param>
    /// <remarks>
    /// Generation -1 with an empty member id is a "simple" commit, accepted only while the group has no members
    /// (UNKNOWN_MEMBER_ID otherwise, as in Kafka). During CompletingRebalance commits get REBALANCE_IN_PROGRESS; during
    /// PreparingRebalance a commit of the current generation is accepted. Unknown partitions get UNKNOWN_TOPIC_OR_PARTITION.
    /// </remarks>
    public OffsetCommitResponse CommitOffsets(OffsetCommitRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        int generation = version >= 1 ? request.GenerationIdOrMemberEpoch : -1;
        string memberId = version >= 1 ? request.MemberId ?? "" : "";
        string? instanceId = version >= 7 ? request.GroupInstanceId : null;
        var error = ErrorCode.None;
        var results = new Dictionary<(string Topic, int Partition), ErrorCode>();
        if (_disposed)
        {
            error = ErrorCode.CoordinatorNotAvailable;
        }
        else
        {
            var group = FindGroup(request.GroupId);
            if (group is null && generation >= 0)
            {
                // A member of a group we do not know: its generation is gone (Kafka answers ILLEGAL_GENERATION).
                error = ErrorCode.IllegalGeneration;
            }
            else
            {
                group ??= GetOrCreateGroup(request.GroupId);
                lock (group.Gate)
                {
                    error = ValidateCommit(group, generation, memberId, instanceId);
                    if (error == ErrorCode.None)
                    {
                        if (group.Members.TryGetValue(memberId, out var member))
                        {
                            ScheduleSession(group, member);
                        }
                        StoreOffsets(request, version, results);
                    }
                }
            }
        }
        return new OffsetCommitResponse
        {
            ThrottleTimeMs = 0,
            Topics = [.. request.Topics.Select(topic => new OffsetCommitResponse.OffsetCommitResponseTopic
            {
                Name = topic.Name,
                Partitions = [.. topic.Partitions.Select(p => new OffsetCommitResponse.OffsetCommitResponsePartition
                {
                    PartitionIndex = p.PartitionIndex,
                    ErrorCode = (short)(error != ErrorCode.None ? error : results.GetValueOrDefault((topic.Name, p.PartitionIndex))),
                })],
            })],
        };
    }

    private static ErrorCode ValidateCommit(ClassicGroup group, int generation, string memberId, string? instanceId)
    {
        if (group.State == GroupState.Dead)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }
        if (generation < 0 && group.State == GroupState.Empty)
        {
            return ErrorCode.None;
        }
        ErrorCode error;
        if (generation >= 0 || memberId.Length > 0 || instanceId is not null)
        {
            error = ValidateMember(group, memberId, instanceId, generation);
        }
        else
        {
            // A simple commit to a group with live members would overwrite their positions.
            error = ErrorCode.UnknownMemberId;
        }
        if (error == ErrorCode.None && group.State == GroupState.CompletingRebalance)
        {
            error = ErrorCode.RebalanceInProgress;
        }
        return error;
    }

    private void StoreOffsets(OffsetCommitRequest request, short version, Dictionary<(string Topic, int Partition), ErrorCode> results)
    {
        long now = Now.ToUnixTimeMilliseconds();
        var entries = new List<(string Topic, int Partition, CommittedOffset Offset)>();
        foreach (var topic in request.Topics)
        {
            foreach (var partition in topic.Partitions)
            {
                var key = (topic.Name, partition.PartitionIndex);
                if (!_partitionExists(topic.Name, partition.PartitionIndex))
                {
                    results[key] = ErrorCode.UnknownTopicOrPartition;
                }
                else if (partition.CommittedMetadata is { } metadata && Encoding.UTF8.GetByteCount(metadata) > MaxMetadataBytes)
                {
                    results[key] = OffsetMetadataTooLarge;
                }
                else
                {
                    long timestamp = version == 1 && partition.CommitTimestamp >= 0 ? partition.CommitTimestamp : now;
                    int epoch = version >= 6 ? partition.CommittedLeaderEpoch : -1;
                    // Kafka stores a null metadata string as "" (OffsetAndMetadata.NoMetadata).
                    entries.Add((topic.Name, partition.PartitionIndex, new CommittedOffset(partition.CommittedOffset, epoch, partition.CommittedMetadata ?? "", timestamp)));
                    results[key] = ErrorCode.None;
                }
            }
        }
        _offsets.Commit(request.GroupId, entries);
    }

    /// <summary>Handles OffsetFetch (API key 9).</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">v0-7 fetch one group with top-level topics; v8+ a batch of groups.</param>
    /// <remarks>
    /// Topics <see langword="null"/> (v2+) means every committed partition. A partition without a commit answers offset -1,
    /// leader epoch -1, metadata "" and error NONE.
    /// </remarks>
    public OffsetFetchResponse FetchOffsets(OffsetFetchRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new OffsetFetchResponse { ThrottleTimeMs = 0 };
        var error = _disposed ? ErrorCode.CoordinatorNotAvailable : ErrorCode.None;
        if (version >= 8)
        {
            foreach (var group in request.Groups)
            {
                var topics = error == ErrorCode.None
                    ? FetchGroup(group.GroupId, group.Topics?.Select(t => (t.Name, t.PartitionIndexes)))
                    : [];
                response.Groups.Add(new OffsetFetchResponse.OffsetFetchResponseGroup
                {
                    GroupId = group.GroupId,
                    ErrorCode = (short)error,
                    Topics = [.. topics.Select(t => new OffsetFetchResponse.OffsetFetchResponseTopics
                    {
                        Name = t.Topic,
                        Partitions = [.. t.Partitions.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartitions
                        {
                            PartitionIndex = p.Partition,
                            CommittedOffset = p.Offset?.Offset ?? -1,
                            CommittedLeaderEpoch = p.Offset?.LeaderEpoch ?? -1,
                            Metadata = p.Offset?.Metadata ?? "",
                            ErrorCode = (short)ErrorCode.None,
                        })],
                    })],
                });
            }
            return response;
        }
        var requested = request.Topics?.Select(t => (t.Name, t.PartitionIndexes));
        response.ErrorCode = (short)error;
        response.Topics = [.. FetchGroup(request.GroupId, requested).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopic
        {
            Name = t.Topic,
            Partitions = [.. t.Partitions.Select(p => new OffsetFetchResponse.OffsetFetchResponsePartition
            {
                PartitionIndex = p.Partition,
                CommittedOffset = p.Offset?.Offset ?? -1,
                CommittedLeaderEpoch = version >= 5 ? p.Offset?.LeaderEpoch ?? -1 : -1,
                Metadata = p.Offset?.Metadata ?? "",
                // v0-1 have no top-level error code, so a coordinator error goes on every partition.
                ErrorCode = (short)error,
            })],
        })];
        return response;
    }

    private List<(string Topic, List<(int Partition, CommittedOffset? Offset)> Partitions)> FetchGroup(
        string groupId, IEnumerable<(string Name, List<int> Partitions)>? requested)
    {
        if (requested is null)
        {
            return [.. _offsets.GetAll(groupId)
                .GroupBy(e => e.Topic)
                .Select(g => (g.Key, g.Select(e => (e.Partition, (CommittedOffset?)e.Offset)).ToList()))];
        }
        var result = new List<(string, List<(int, CommittedOffset?)>)>();
        foreach (var (topic, partitions) in requested)
        {
            var list = new List<(int, CommittedOffset?)>();
            foreach (int partition in partitions)
            {
                list.Add((partition, _offsets.TryGet(groupId, topic, partition, out var offset) ? offset : null));
            }
            result.Add((topic, list));
        }
        return result;
    }

    /// <summary>Handles OffsetDelete (API key 47): removes committed offsets of partitions the group no longer consumes.</summary>
    /// <param name="request">The decoded request.</param>
    /// <param name="version">The request's API version (only v0 exists).</param>
    /// <remarks>
    /// Topics that a member of a <c>consumer</c> group subscribes to (read from the consumer protocol subscription in its
    /// JoinGroup metadata) get GROUP_SUBSCRIBED_TO_TOPIC; a subscription that cannot be parsed protects every topic.
    /// A non-empty group of another protocol type gets NON_EMPTY_GROUP; an unknown group GROUP_ID_NOT_FOUND.
    /// </remarks>
    public OffsetDeleteResponse DeleteOffsets(OffsetDeleteRequest request, short version)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new OffsetDeleteResponse { ThrottleTimeMs = 0 };
        var group = FindGroup(request.GroupId);
        if (_disposed)
        {
            response.ErrorCode = (short)ErrorCode.CoordinatorNotAvailable;
            return response;
        }
        if (group is null)
        {
            response.ErrorCode = (short)ErrorCode.GroupIdNotFound;
            return response;
        }
        lock (group.Gate)
        {
            if (group.State == GroupState.Dead)
            {
                response.ErrorCode = (short)ErrorCode.GroupIdNotFound;
                return response;
            }
            if (group.State != GroupState.Empty && group.ProtocolType != "consumer")
            {
                response.ErrorCode = (short)ErrorCode.NonEmptyGroup;
                return response;
            }
            var subscribed = SubscribedTopics(group);
            var deletions = new List<(string Topic, int Partition)>();
            foreach (var topic in request.Topics)
            {
                var topicResult = new OffsetDeleteResponse.OffsetDeleteResponseTopic { Name = topic.Name };
                foreach (var partition in topic.Partitions)
                {
                    ErrorCode error;
                    if (subscribed is null || subscribed.Contains(topic.Name))
                    {
                        error = ErrorCode.GroupSubscribedToTopic;
                    }
                    else if (!_partitionExists(topic.Name, partition.PartitionIndex))
                    {
                        error = ErrorCode.UnknownTopicOrPartition;
                    }
                    else
                    {
                        error = ErrorCode.None;
                        deletions.Add((topic.Name, partition.PartitionIndex));
                    }
                    topicResult.Partitions.Add(new OffsetDeleteResponse.OffsetDeleteResponsePartition { PartitionIndex = partition.PartitionIndex, ErrorCode = (short)error });
                }
                response.Topics.Add(topicResult);
            }
            _offsets.DeletePartitions(group.GroupId, deletions);
        }
        return response;
    }

    /// <summary>Drops every committed offset of a deleted topic, in all groups.</summary>
    /// <param name="topic">The deleted topic.</param>
    public void RemoveTopic(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        _offsets.DeleteTopic(topic);
    }

    /// <summary>The topics the group's members subscribe to; empty for an empty group, null if a subscription is unreadable.</summary>
    private static HashSet<string>? SubscribedTopics(ClassicGroup group)
    {
        var topics = new HashSet<string>(StringComparer.Ordinal);
        foreach (var member in group.Members.Values)
        {
            var metadata = (group.ProtocolName is { } protocol ? member.MetadataFor(protocol) : null)
                ?? member.Protocols.FirstOrDefault().Metadata;
            if (metadata is null || ConsumerProtocolSubscription.TryReadTopics(metadata) is not { } memberTopics)
            {
                return null;
            }
            topics.UnionWith(memberTopics);
        }
        return topics;
    }
}
