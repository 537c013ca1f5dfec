using Herald.Protocol.Messages;

namespace Herald.Broker.Groups;

/// <summary>One member of a classic group. Guarded by its group's lock.</summary>
internal sealed class GroupMember(string memberId, string? groupInstanceId, string clientId, string clientHost)
{
    public string MemberId { get; set; } = memberId;

    public string? GroupInstanceId { get; } = groupInstanceId;

    public string ClientId { get; set; } = clientId;

    public string ClientHost { get; set; } = clientHost;

    public int SessionTimeoutMs { get; set; }

    public int RebalanceTimeoutMs { get; set; }

    public string ProtocolType { get; set; } = "";

    /// <summary>The member's protocols in its order of preference.</summary>
    public List<(string Name, byte[] Metadata)> Protocols { get; set; } = [];

    public byte[] Assignment { get; set; } = [];

    /// <summary>A parked JoinGroup, answered when the rebalance completes.</summary>
    public TaskCompletionSource<JoinGroupResponse>? PendingJoin { get; set; }

    public short JoinVersion { get; set; }

    /// <summary>A parked SyncGroup, answered when the leader's assignment arrives.</summary>
    public TaskCompletionSource<SyncGroupResponse>? PendingSync { get; set; }

    public short SyncVersion { get; set; }

    /// <summary>When the session expires unless a join, sync or heartbeat arrives first.</summary>
    public DateTimeOffset SessionDeadline { get; set; }

    public ITimer? SessionTimer { get; set; }

    public bool IsAwaitingJoin => PendingJoin is not null;

    public bool IsAwaitingSync => PendingSync is not null;

    public byte[]? MetadataFor(string protocol)
    {
        foreach (var (name, metadata) in Protocols)
        {
            if (name == protocol)
            {
                return metadata;
            }
        }
        return null;
    }

    public bool Matches(List<JoinGroupRequest.JoinGroupRequestProtocol> protocols)
    {
        if (protocols.Count != Protocols.Count)
        {
            return false;
        }
        for (int i = 0; i < protocols.Count; i++)
        {
            if (protocols[i].Name != Protocols[i].Name || !protocols[i].Metadata.AsSpan().SequenceEqual(Protocols[i].Metadata))
            {
                return false;
            }
        }
        return true;
    }
}
