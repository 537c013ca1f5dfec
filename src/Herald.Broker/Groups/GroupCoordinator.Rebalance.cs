using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

// The rebalance state machine shared by JoinGroup, SyncGroup, LeaveGroup and session expiry. Every method here is
// called with the group's lock held.
public sealed partial class GroupCoordinator
{
    private void AddMember(ClassicGroup group, GroupMember member, TaskCompletionSource<JoinGroupResponse> join, short version)
    {
        if (group.Members.Count == 0)
        {
            group.ProtocolType = member.ProtocolType;
        }
        group.Members.Add(member.MemberId, member);
        if (member.GroupInstanceId is not null)
        {
            group.StaticMembers[member.GroupInstanceId] = member.MemberId;
        }
        member.PendingJoin = join;
        member.JoinVersion = version;
        if (group.State == GroupState.PreparingRebalance && group.InInitialDelay)
        {
            group.NewMemberAdded = true;
        }
        ScheduleSession(group, member);
        MaybePrepareRebalance(group);
    }

    private void MaybePrepareRebalance(ClassicGroup group)
    {
        if (group.State == GroupState.PreparingRebalance)
        {
            TryCompleteJoin(group);
        }
        else if (group.State != GroupState.Dead)
        {
            PrepareRebalance(group);
        }
    }

    private void PrepareRebalance(ClassicGroup group)
    {
        if (group.State == GroupState.CompletingRebalance)
        {
            // Assignments of the generation being replaced must not reach anyone: fail parked syncs as Kafka does.
            foreach (var member in group.Members.Values)
            {
                member.Assignment = [];
                CompleteSync(member, SyncError(member.SyncVersion, ErrorCode.RebalanceInProgress));
            }
        }
        bool initial = group.State == GroupState.Empty;
        group.State = GroupState.PreparingRebalance;
        group.InInitialDelay = initial;
        group.NewMemberAdded = false;
        if (initial)
        {
            // group.initial.rebalance.delay.ms batches the first joins of a new group (Kafka's InitialDelayedJoin).
            int delay = _options.InitialRebalanceDelayMs;
            group.InitialDelayRemainingMs = Math.Max(group.MaxRebalanceTimeoutMs - delay, 0);
            ScheduleRebalanceTimer(group, delay);
        }
        else
        {
            ScheduleRebalanceTimer(group, group.MaxRebalanceTimeoutMs);
            TryCompleteJoin(group);
        }
    }

    private void TryCompleteJoin(ClassicGroup group)
    {
        if (group.State == GroupState.PreparingRebalance && !group.InInitialDelay && group.HasAllMembersJoined)
        {
            CompleteJoin(group);
        }
    }

    private void CompleteJoin(ClassicGroup group)
    {
        group.RebalanceTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        group.InInitialDelay = false;
        group.NewMemberAdded = false;
        // Members that did not rejoin within the rebalance timeout leave; members parked in JoinGroup always stay.
        foreach (var member in group.Members.Values.Where(m => !m.IsAwaitingJoin).ToList())
        {
            RemoveMemberCore(group, member);
        }
        group.GenerationId++;
        if (group.Members.Count == 0)
        {
            group.ProtocolName = null;
            group.LeaderId = null;
            group.State = GroupState.Empty;
            return;
        }
        group.ProtocolName = group.SelectProtocol();
        if (group.LeaderId is null || !group.Members.ContainsKey(group.LeaderId))
        {
            group.LeaderId = group.Members.Keys.First();
        }
        group.State = GroupState.CompletingRebalance;
        foreach (var member in group.Members.Values)
        {
            var join = member.PendingJoin!;
            member.PendingJoin = null;
            ScheduleSession(group, member);
            join.TrySetResult(JoinResponse(group, member, member.JoinVersion));
        }
    }

    private void ScheduleRebalanceTimer(ClassicGroup group, int delayMs)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Max(delayMs, 0));
        group.RebalanceDeadline = Now + delay;
        group.RebalanceTimer ??= _time.CreateTimer(_ => OnRebalanceTimer(group), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        group.RebalanceTimer.Change(delay, Timeout.InfiniteTimeSpan);
    }

    private void OnRebalanceTimer(ClassicGroup group)
    {
        lock (group.Gate)
        {
            if (_disposed || group.State != GroupState.PreparingRebalance)
            {
                return;
            }
            var remaining = group.RebalanceDeadline - Now;
            if (remaining > TimeSpan.Zero)
            {
                group.RebalanceTimer!.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }
            if (group.InInitialDelay && group.NewMemberAdded && group.InitialDelayRemainingMs > 0)
            {
                // More members arrived during the delay: wait another delay, never beyond the rebalance timeout.
                group.NewMemberAdded = false;
                int delay = Math.Min(_options.InitialRebalanceDelayMs, group.InitialDelayRemainingMs);
                group.InitialDelayRemainingMs = Math.Max(group.InitialDelayRemainingMs - _options.InitialRebalanceDelayMs, 0);
                ScheduleRebalanceTimer(group, delay);
                return;
            }
            CompleteJoin(group);
        }
    }

    /// <summary>Resets the member's session: any join, sync, heartbeat or commit proves it alive.</summary>
    private void ScheduleSession(ClassicGroup group, GroupMember member)
    {
        var timeout = TimeSpan.FromMilliseconds(member.SessionTimeoutMs);
        member.SessionDeadline = Now + timeout;
        member.SessionTimer ??= _time.CreateTimer(_ => OnSessionTimer(group, member), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        member.SessionTimer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    private void OnSessionTimer(ClassicGroup group, GroupMember member)
    {
        lock (group.Gate)
        {
            if (_disposed || !group.Members.TryGetValue(member.MemberId, out var current) || current != member)
            {
                return;
            }
            var remaining = member.SessionDeadline - Now;
            if (remaining > TimeSpan.Zero)
            {
                member.SessionTimer!.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }
            // A member whose JoinGroup or SyncGroup we are holding is alive; dropping it is pitfall 14.
            if (member.IsAwaitingJoin || member.IsAwaitingSync)
            {
                ScheduleSession(group, member);
                return;
            }
            RemoveMemberAndRebalance(group, member);
        }
    }

    private void OnPendingMemberExpired(ClassicGroup group, string memberId)
    {
        lock (group.Gate)
        {
            if (group.PendingMembers.Remove(memberId, out var timer))
            {
                timer.Dispose();
                TryCompleteJoin(group);
            }
        }
    }

    private void RemoveMemberAndRebalance(ClassicGroup group, GroupMember member)
    {
        RemoveMemberCore(group, member);
        if (group.State is GroupState.Stable or GroupState.CompletingRebalance)
        {
            PrepareRebalance(group);
        }
        else
        {
            TryCompleteJoin(group);
        }
    }

    private static void RemoveMemberCore(ClassicGroup group, GroupMember member)
    {
        group.Members.Remove(member.MemberId);
        if (member.GroupInstanceId is not null && group.StaticMembers.TryGetValue(member.GroupInstanceId, out var id) && id == member.MemberId)
        {
            group.StaticMembers.Remove(member.GroupInstanceId);
        }
        member.SessionTimer?.Dispose();
        member.SessionTimer = null;
        FailParked(member, ErrorCode.UnknownMemberId);
        if (group.LeaderId == member.MemberId)
        {
            group.LeaderId = group.Members.Keys.FirstOrDefault();
        }
    }

    private static void FailParked(GroupMember member, ErrorCode error)
    {
        if (member.PendingJoin is { } join)
        {
            member.PendingJoin = null;
            join.TrySetResult(JoinError(member.JoinVersion, member.MemberId, error));
        }
        CompleteSync(member, SyncError(member.SyncVersion, error));
    }

    private static void CompleteSync(GroupMember member, SyncGroupResponse response)
    {
        if (member.PendingSync is { } sync)
        {
            member.PendingSync = null;
            sync.TrySetResult(response);
        }
    }

    private static JoinGroupResponse JoinResponse(ClassicGroup group, GroupMember member, short version, bool skipAssignment = false)
    {
        bool leader = member.MemberId == group.LeaderId;
        var protocol = group.ProtocolName ?? "";
        return new JoinGroupResponse
        {
            ThrottleTimeMs = 0,
            ErrorCode = (short)ErrorCode.None,
            GenerationId = group.GenerationId,
            ProtocolType = version >= 7 ? group.ProtocolType : null,
            ProtocolName = protocol,
            Leader = group.LeaderId ?? "",
            SkipAssignment = skipAssignment,
            MemberId = member.MemberId,
            Members = leader
                ? [.. group.Members.Values.Select(m => new JoinGroupResponse.JoinGroupResponseMember
                {
                    MemberId = m.MemberId,
                    GroupInstanceId = version >= 5 ? m.GroupInstanceId : null,
                    Metadata = m.MetadataFor(protocol) ?? [],
                })]
                : [],
        };
    }

    private static JoinGroupResponse JoinError(short version, string memberId, ErrorCode error) => new()
    {
        ThrottleTimeMs = 0,
        ErrorCode = (short)error,
        GenerationId = -1,
        ProtocolType = null,
        // Nullable only from v7; older versions need a string on the wire.
        ProtocolName = version >= 7 ? null : "",
        Leader = "",
        MemberId = memberId,
        Members = [],
    };

    private static SyncGroupResponse SyncResponse(ClassicGroup group, short version, byte[] assignment) => new()
    {
        ThrottleTimeMs = 0,
        ErrorCode = (short)ErrorCode.None,
        ProtocolType = version >= 5 ? group.ProtocolType : null,
        ProtocolName = version >= 5 ? group.ProtocolName : null,
        // Always bytes, never null: a missing payload breaks clients (tansu-io/tansu#679).
        Assignment = assignment,
    };

    private static SyncGroupResponse SyncError(short version, ErrorCode error) => new()
    {
        ThrottleTimeMs = 0,
        ErrorCode = (short)error,
        Assignment = [],
    };
}
