using System.Buffers.Binary;
using System.Text;
using Herald.Broker.Groups;
using Herald.Protocol;
using Herald.Protocol.Messages;

namespace Herald.Broker.Tests.Groups;

/// <summary>A coordinator on a fresh temp directory and a manual clock; requests and responses go through the codecs
/// at the versions librdkafka sends.</summary>
public abstract class GroupCoordinatorTestBase : IAsyncLifetime
{
    protected const int InitialDelayMs = 100;
    protected const int SessionTimeoutMs = 10000;
    protected const int RebalanceTimeoutMs = 30000;
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly HashSet<string> _deletedTopics = [];

    protected GroupCoordinatorTestBase()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "herald-groups-" + Guid.NewGuid().ToString("N"));
        Coordinator = Open();
    }

    internal ManualTimeProvider Time { get; } = new();

    protected string DataDirectory { get; }

    protected GroupCoordinator Coordinator { get; private set; }

    protected GroupCoordinatorOptions Options { get; } = new() { InitialRebalanceDelayMs = InitialDelayMs };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await Coordinator.DisposeAsync();
        Directory.Delete(DataDirectory, recursive: true);
    }

    /// <summary>Topics "t*" with partitions 0-9 exist; everything else does not.</summary>
    protected bool PartitionExists(string topic, int partition) =>
        topic.StartsWith('t') && partition is >= 0 and < 10 && !_deletedTopics.Contains(topic);

    protected void DeleteTopic(string topic)
    {
        _deletedTopics.Add(topic);
        Coordinator.RemoveTopic(topic);
    }

    protected GroupCoordinator Open() => new(DataDirectory, Options, PartitionExists, Time);

    protected async Task ReopenAsync()
    {
        await Coordinator.DisposeAsync();
        Coordinator = Open();
    }

    /// <summary>Moves the clock through the initial rebalance delay, which every member joining during it extends (as in Kafka).</summary>
    protected void PassInitialDelay(string group)
    {
        for (int i = 0; i < 10 && Describe(group).GroupState == "PreparingRebalance"; i++)
        {
            Time.AdvanceMs(InitialDelayMs);
        }
    }

    /// <summary>ConsumerProtocolSubscription v0: version, topics, null user data.</summary>
    protected static byte[] Subscription(params string[] topics)
    {
        var stream = new MemoryStream();
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteInt16BigEndian(buffer, 0);
        stream.Write(buffer[..2]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, topics.Length);
        stream.Write(buffer);
        foreach (var topic in topics)
        {
            var bytes = Encoding.UTF8.GetBytes(topic);
            BinaryPrimitives.WriteInt16BigEndian(buffer, (short)bytes.Length);
            stream.Write(buffer[..2]);
            stream.Write(bytes);
        }
        BinaryPrimitives.WriteInt32BigEndian(buffer, -1);
        stream.Write(buffer);
        return stream.ToArray();
    }

    protected static JoinGroupRequest JoinRequest(string group, string memberId = "", string? instanceId = null, byte[]? metadata = null, string protocol = "range") => new()
    {
        GroupId = group,
        SessionTimeoutMs = SessionTimeoutMs,
        RebalanceTimeoutMs = RebalanceTimeoutMs,
        MemberId = memberId,
        GroupInstanceId = instanceId,
        ProtocolType = "consumer",
        Protocols = [new() { Name = protocol, Metadata = metadata ?? Subscription("t1") }],
    };

    protected Task<JoinGroupResponse> JoinAsync(JoinGroupRequest request, short version = 5, string clientId = "client") =>
        SendJoinAsync(request, version, clientId);

    private async Task<JoinGroupResponse> SendJoinAsync(JoinGroupRequest request, short version, string clientId)
    {
        var response = await Coordinator.JoinGroupAsync(Wire.RoundTrip(request, version), version, clientId, "/10.0.0.1", CancellationToken.None);
        return Wire.RoundTrip(response, version);
    }

    /// <summary>The KIP-394 dance: join without id, get MEMBER_ID_REQUIRED, rejoin with the id. Returns the parked rejoin.</summary>
    protected async Task<(string MemberId, Task<JoinGroupResponse> Join)> StartJoinAsync(string group, string clientId = "client", byte[]? metadata = null)
    {
        var first = await JoinAsync(JoinRequest(group, metadata: metadata), clientId: clientId);
        Assert.Equal(ErrorCode.MemberIdRequired, (ErrorCode)first.ErrorCode);
        return (first.MemberId, JoinAsync(JoinRequest(group, first.MemberId, metadata: metadata), clientId: clientId));
    }

    protected async Task<SyncGroupResponse> SyncAsync(string group, string memberId, int generation, Dictionary<string, byte[]>? assignments = null, short version = 3)
    {
        var request = new SyncGroupRequest
        {
            GroupId = group,
            GenerationId = generation,
            MemberId = memberId,
            Assignments = [.. (assignments ?? []).Select(a => new SyncGroupRequest.SyncGroupRequestAssignment { MemberId = a.Key, Assignment = a.Value })],
        };
        var response = await Coordinator.SyncGroupAsync(Wire.RoundTrip(request, version), version, CancellationToken.None);
        return Wire.RoundTrip(response, version);
    }

    protected ErrorCode Heartbeat(string group, string memberId, int generation, string? instanceId = null, short version = 3)
    {
        var request = new HeartbeatRequest { GroupId = group, GenerationId = generation, MemberId = memberId, GroupInstanceId = instanceId };
        var response = Wire.RoundTrip(Coordinator.Heartbeat(Wire.RoundTrip(request, version), version), version);
        return (ErrorCode)response.ErrorCode;
    }

    protected ErrorCode Leave(string group, string memberId, short version = 1)
    {
        var request = new LeaveGroupRequest { GroupId = group, MemberId = memberId };
        var response = Wire.RoundTrip(Coordinator.LeaveGroup(Wire.RoundTrip(request, version), version), version);
        return (ErrorCode)response.ErrorCode;
    }

    protected OffsetCommitResponse Commit(string group, string memberId, int generation, IEnumerable<(string Topic, int Partition, long Offset, string? Metadata)> offsets, short version = 9)
    {
        var request = new OffsetCommitRequest
        {
            GroupId = group,
            GenerationIdOrMemberEpoch = generation,
            MemberId = memberId,
            Topics = [.. offsets.GroupBy(o => o.Topic).Select(g => new OffsetCommitRequest.OffsetCommitRequestTopic
            {
                Name = g.Key,
                Partitions = [.. g.Select(o => new OffsetCommitRequest.OffsetCommitRequestPartition
                {
                    PartitionIndex = o.Partition,
                    CommittedOffset = o.Offset,
                    CommittedLeaderEpoch = 0,
                    CommittedMetadata = o.Metadata,
                })],
            })],
        };
        return Wire.RoundTrip(Coordinator.CommitOffsets(Wire.RoundTrip(request, version), version), version);
    }

    protected static ErrorCode SingleError(OffsetCommitResponse response) =>
        (ErrorCode)response.Topics.SelectMany(t => t.Partitions).Select(p => p.ErrorCode).Distinct().Single();

    /// <summary>OffsetFetch v9 for one group, flattened to (topic, partition) ⇒ partition result.</summary>
    protected Dictionary<(string, int), OffsetFetchResponse.OffsetFetchResponsePartitions> Fetch(string group, params (string Topic, int Partition)[] partitions)
    {
        var request = new OffsetFetchRequest
        {
            Groups =
            [
                new()
                {
                    GroupId = group,
                    Topics = partitions.Length == 0 ? null : [.. partitions.GroupBy(p => p.Topic).Select(g => new OffsetFetchRequest.OffsetFetchRequestTopics { Name = g.Key, PartitionIndexes = [.. g.Select(p => p.Partition)] })],
                },
            ],
        };
        var response = Wire.RoundTrip(Coordinator.FetchOffsets(Wire.RoundTrip(request, 9), 9), 9);
        var result = Assert.Single(response.Groups);
        Assert.Equal(group, result.GroupId);
        Assert.Equal(ErrorCode.None, (ErrorCode)result.ErrorCode);
        return result.Topics.SelectMany(t => t.Partitions.Select(p => (Key: (t.Name, p.PartitionIndex), p))).ToDictionary(e => e.Key, e => e.p);
    }

    protected DescribeGroupsResponse.DescribedGroup Describe(string group)
    {
        var request = new DescribeGroupsRequest { Groups = [group] };
        var response = Wire.RoundTrip(Coordinator.DescribeGroups(Wire.RoundTrip(request, 5), 5), 5);
        return Assert.Single(response.Groups);
    }

    /// <summary>Members join (KIP-394), the initial delay passes, the leader syncs giving each member its id as assignment.</summary>
    protected async Task<StableGroup> FormStableGroupAsync(string group, int members, Func<int, byte[]>? metadata = null)
    {
        var joins = new List<Task<JoinGroupResponse>>();
        for (int i = 0; i < members; i++)
        {
            joins.Add((await StartJoinAsync(group, $"client{i}", metadata?.Invoke(i))).Join);
        }
        PassInitialDelay(group);
        var responses = await Task.WhenAll(joins).WaitAsync(Patience);
        var leader = responses.Single(r => r.MemberId == r.Leader);
        var syncs = responses.Select(r => SyncAsync(group, r.MemberId, r.GenerationId,
            r.MemberId == r.Leader ? leader.Members.ToDictionary(m => m.MemberId, m => Encoding.UTF8.GetBytes("assigned:" + m.MemberId)) : null)).ToList();
        var synced = await Task.WhenAll(syncs).WaitAsync(Patience);
        Assert.All(synced, s => Assert.Equal(ErrorCode.None, (ErrorCode)s.ErrorCode));
        return new StableGroup(group, responses[0].GenerationId, leader.MemberId, [.. responses.Select(r => r.MemberId)]);
    }

    protected sealed record StableGroup(string GroupId, int Generation, string Leader, List<string> Members);
}
