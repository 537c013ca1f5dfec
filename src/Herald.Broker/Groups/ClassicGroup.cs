using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

/// <summary>The state machine data of one classic group. Every field is guarded by <see cref="Gate"/>.</summary>
/// <remarks>One lock per group keeps rebalances of different groups independent (pitfall 14 of the research notes).</remarks>
internal sealed class ClassicGroup(string groupId)
{
    public Lock Gate { get; } = new();

    public string GroupId { get; } = groupId;

    public GroupState State { get; set; } = GroupState.Empty;

    public int GenerationId { get; set; }

    public string ProtocolType { get; set; } = "";

    public string? ProtocolName { get; set; }

    public string? LeaderId { get; set; }

    /// <summary>Members in join order; the order picks the next leader.</summary>
    public Dictionary<string, GroupMember> Members { get; } = [];

    /// <summary>group.instance.id ⇒ current member id of static members.</summary>
    public Dictionary<string, string> StaticMembers { get; } = [];

    /// <summary>Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers.</summary>
    public Dictionary<string, ITimer> PendingMembers { get; } = [];

    public ITimer? RebalanceTimer { get; set; }

    public DateTimeOffset RebalanceDeadline { get; set; }

    /// <summary>The current rebalance is the initial one of an empty group, completed only by its timer.</summary>
    public bool InInitialDelay { get; set; }

    public bool NewMemberAdded { get; set; }

    public int InitialDelayRemainingMs { get; set; }

    public bool HasAllMembersJoined
    {
        get
        {
            if (PendingMembers.Count > 0)
            {
                return false;
            }
            foreach (var member in Members.Values)
            {
                if (!member.IsAwaitingJoin)
                {
                    return false;
                }
            }
            return true;
        }
    }

    public int MaxRebalanceTimeoutMs
    {
        get
        {
            int max = 0;
            foreach (var member in Members.Values)
            {
                max = Math.Max(max, member.RebalanceTimeoutMs);
            }
            return max;
        }
    }

    /// <summary>Whether a member with these protocols can join: same protocol type and at least one protocol every member supports.</summary>
    public bool SupportsProtocols(string protocolType, List<JoinGroupRequest.JoinGroupRequestProtocol> protocols, string? ignoreMemberId = null)
    {
        if (string.IsNullOrEmpty(protocolType) || protocols.Count == 0)
        {
            return false;
        }
        bool anyOther = false;
        foreach (var member in Members.Values)
        {
            if (member.MemberId != ignoreMemberId)
            {
                anyOther = true;
                break;
            }
        }
        if (!anyOther)
        {
            return true;
        }
        if (protocolType != ProtocolType)
        {
            return false;
        }
        foreach (var protocol in protocols)
        {
            bool everyone = true;
            foreach (var member in Members.Values)
            {
                if (member.MemberId != ignoreMemberId && member.MetadataFor(protocol.Name) is null)
                {
                    everyone = false;
                    break;
                }
            }
            if (everyone)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Chooses the protocol by vote: each member votes for its most preferred protocol that all members support.</summary>
    public string SelectProtocol()
    {
        var candidates = new List<string>();
        var first = Members.Values.First();
        foreach (var (name, _) in first.Protocols)
        {
            if (Members.Values.All(m => m.MetadataFor(name) is not null))
            {
                candidates.Add(name);
            }
        }
        var votes = new Dictionary<string, int>();
        foreach (var member in Members.Values)
        {
            var vote = member.Protocols.Select(p => p.Name).FirstOrDefault(candidates.Contains);
            if (vote is not null)
            {
                votes[vote] = votes.GetValueOrDefault(vote) + 1;
            }
        }
        // Ties go to the first member's preference order, which keeps the choice deterministic.
        string best = candidates[0];
        foreach (var candidate in candidates)
        {
            if (votes.GetValueOrDefault(candidate) > votes.GetValueOrDefault(best))
            {
                best = candidate;
            }
        }
        return best;
    }

    public bool IsStaticMemberFenced(string memberId, string? groupInstanceId) =>
        groupInstanceId is not null
        && StaticMembers.TryGetValue(groupInstanceId, out var current)
        && current != memberId;
}
