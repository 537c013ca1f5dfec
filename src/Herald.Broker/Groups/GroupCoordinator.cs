using System.Collections.Concurrent;
using Herald.Protocol;

namespace Herald.Broker.Groups;

/// <summary>
/// The classic-protocol group coordinator: JoinGroup/SyncGroup/Heartbeat/LeaveGroup state machines, committed offsets and
/// the group admin APIs, answered at the message level so the network layer only forwards requests.
/// </summary>
/// <remarks>
/// Each group has its own lock; groups rebalance independently. Member sessions and rebalance deadlines run on the
/// <see cref="TimeProvider"/> given to the constructor, so tests can drive time. Committed offsets are durable (see
/// <see cref="GroupCoordinatorOptions.FlushOffsets"/>); membership is not and starts empty after a restart.
/// </remarks>
public sealed partial class GroupCoordinator : IAsyncDisposable
{
    // offset.metadata.max.bytes; Herald.Protocol.ErrorCode has no OFFSET_METADATA_TOO_LARGE member yet.
    private const int MaxMetadataBytes = 4096;
    private const ErrorCode OffsetMetadataTooLarge = (ErrorCode)12;

    private readonly GroupCoordinatorOptions _options;
    private readonly Func<string, int, bool> _partitionExists;
    private readonly TimeProvider _time;
    private readonly OffsetStore _offsets;
    private readonly ConcurrentDictionary<string, ClassicGroup> _groups = new(StringComparer.Ordinal);
    private volatile bool _disposed;

    /// <summary>Opens the coordinator, replaying the committed offsets stored in <paramref name="dataDirectory"/>.</summary>
    /// <param name="dataDirectory">The directory of the offsets log (<c>__consumer_offsets.log</c>); created if missing.</param>
    /// <param name="options">Session-timeout bounds, the initial rebalance delay and the offsets flush policy.</param>
    /// <param name="partitionExists">Whether a topic partition exists; commits to unknown partitions are refused.</param>
    /// <param name="timeProvider">The clock and timers for sessions and rebalances.</param>
    public GroupCoordinator(string dataDirectory, GroupCoordinatorOptions options, Func<string, int, bool> partitionExists, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(partitionExists);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _partitionExists = partitionExists;
        _time = timeProvider;
        _offsets = new OffsetStore(dataDirectory, options.FlushOffsets);
        // Groups that only have committed offsets exist in the Empty state, as Kafka loads them from __consumer_offsets.
        foreach (var groupId in _offsets.GroupIds())
        {
            _groups.TryAdd(groupId, new ClassicGroup(groupId));
        }
    }

    /// <summary>A snapshot of every group: state, generation, member count and committed offsets.</summary>
    public IReadOnlyList<GroupSummary> GetGroups() =>
        [.. _groups.Keys.Order(StringComparer.Ordinal).Select(GetGroup).OfType<GroupSummary>()];

    /// <summary>A snapshot of one group, or <see langword="null"/> if the group does not exist.</summary>
    public GroupSummary? GetGroup(string groupId)
    {
        if (!_groups.TryGetValue(groupId, out var group))
        {
            return null;
        }
        var offsets = _offsets.GetAll(groupId).ToDictionary(e => (e.Topic, e.Partition), e => e.Offset.Offset);
        lock (group.Gate)
        {
            if (group.State == GroupState.Dead)
            {
                return null;
            }
            return new GroupSummary(group.GroupId, group.State, group.ProtocolType, group.ProtocolName ?? "", group.GenerationId, group.Members.Count, offsets);
        }
    }

    /// <summary>The committed offsets of one group by topic and partition (empty if none).</summary>
    public IReadOnlyDictionary<(string Topic, int Partition), CommittedOffset> GetCommittedOffsets(string groupId) =>
        _offsets.GetAll(groupId).ToDictionary(e => (e.Topic, e.Partition), e => e.Offset);

    /// <summary>Answers every parked JoinGroup/SyncGroup with COORDINATOR_NOT_AVAILABLE, stops the timers and closes the offsets log.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        foreach (var group in _groups.Values)
        {
            lock (group.Gate)
            {
                group.RebalanceTimer?.Dispose();
                foreach (var timer in group.PendingMembers.Values)
                {
                    timer.Dispose();
                }
                foreach (var member in group.Members.Values)
                {
                    member.SessionTimer?.Dispose();
                    FailParked(member, ErrorCode.CoordinatorNotAvailable);
                }
            }
        }
        _offsets.Dispose();
        return ValueTask.CompletedTask;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private ClassicGroup GetOrCreateGroup(string groupId) => _groups.GetOrAdd(groupId, static id => new ClassicGroup(id));

    private ClassicGroup? FindGroup(string groupId) => _groups.TryGetValue(groupId, out var group) ? group : null;
}
