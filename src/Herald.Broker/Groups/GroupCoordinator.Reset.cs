using Herald.Protocol;

namespace Herald.Broker.Groups;

public sealed partial class GroupCoordinator
{
    /// <summary>
    /// Commits new positions for an idle group, as an operator's offset reset: all or nothing, through the same durable
    /// offset store as OffsetCommit, and only while the group has no members.
    /// </summary>
    /// <param name="groupId">The group; created (Empty) when it does not exist yet, as a simple commit would.</param>
    /// <param name="offsets">The partitions to move and their new committed offsets (each at least 0).</param>
    /// <returns>
    /// NONE when every offset was committed; NON_EMPTY_GROUP while the group has members or is rebalancing (a running
    /// consumer would overwrite the reset with its next commit); UNKNOWN_TOPIC_OR_PARTITION when any partition does not
    /// exist; INVALID_GROUP_ID for an empty id; COORDINATOR_NOT_AVAILABLE after disposal. On any error nothing is committed.
    /// </returns>
    /// <remarks>The commit keeps no leader epoch and empty metadata, like <c>kafka-consumer-groups --reset-offsets</c>.</remarks>
    public ErrorCode ResetOffsets(string groupId, IReadOnlyList<(string Topic, int Partition, long Offset)> offsets)
    {
        ArgumentNullException.ThrowIfNull(groupId);
        ArgumentNullException.ThrowIfNull(offsets);
        foreach (var (_, _, offset) in offsets)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(offset, nameof(offsets));
        }

        if (_disposed)
        {
            return ErrorCode.CoordinatorNotAvailable;
        }

        if (groupId.Length == 0)
        {
            return ErrorCode.InvalidGroupId;
        }

        if (offsets.Any(o => !_partitionExists(o.Topic, o.Partition)))
        {
            return ErrorCode.UnknownTopicOrPartition;
        }

        if (offsets.Count == 0)
        {
            return ErrorCode.None;
        }

        var group = GetOrCreateGroup(groupId);
        lock (group.Gate)
        {
            if (group.State == GroupState.Dead)
            {
                // Deleted between the lookup and the lock; the caller may try again on the new group.
                return ErrorCode.CoordinatorNotAvailable;
            }

            if (group.State != GroupState.Empty || group.Members.Count > 0 || group.PendingMembers.Count > 0)
            {
                return ErrorCode.NonEmptyGroup;
            }

            var now = Now.ToUnixTimeMilliseconds();
            _offsets.Commit(groupId, [.. offsets.Select(o => (o.Topic, o.Partition, new CommittedOffset(o.Offset, -1, "", now)))]);
        }

        return ErrorCode.None;
    }
}
