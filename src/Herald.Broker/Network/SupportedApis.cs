using Herald.Protocol.Messages;

namespace Herald.Broker.Network;

/// <summary>The API versions Herald advertises in ApiVersions. Every version listed here is implemented.</summary>
/// <remarks>
/// Produce starts at 3 and Fetch at 4 so clients always use record batch v2 (headers, idempotence).
/// Fetch stops at 12: v13+ names topics by id only. ConsumerGroupHeartbeat (KIP-848) and the transaction
/// APIs are not advertised: clients fall back to the classic group protocol and refuse transactions clearly.
/// SaslHandshake stays at 0–1 and SaslAuthenticate is always listed: librdkafka uses SaslAuthenticate only when both are
/// advertised, and older releases insist on Handshake v0 being in range (librdkafka#4983).
/// </remarks>
public static class SupportedApis
{
    public static readonly IReadOnlyList<(short ApiKey, short Min, short Max)> All =
    [
        (ProduceRequest.ApiKey, 3, 10),
        (FetchRequest.ApiKey, 4, 12),
        (ListOffsetsRequest.ApiKey, 1, 7),
        (MetadataRequest.ApiKey, 0, 12),
        (OffsetCommitRequest.ApiKey, 2, 9),
        (OffsetFetchRequest.ApiKey, 1, 9),
        (FindCoordinatorRequest.ApiKey, 0, 4),
        (JoinGroupRequest.ApiKey, 0, 9),
        (HeartbeatRequest.ApiKey, 0, 4),
        (LeaveGroupRequest.ApiKey, 0, 5),
        (SyncGroupRequest.ApiKey, 0, 5),
        (DescribeGroupsRequest.ApiKey, 0, 5),
        (ListGroupsRequest.ApiKey, 0, 5),
        (SaslHandshakeRequest.ApiKey, 0, 1),
        (ApiVersionsRequest.ApiKey, 0, 3),
        (CreateTopicsRequest.ApiKey, 0, 7),
        (DeleteTopicsRequest.ApiKey, 0, 6),
        (DeleteRecordsRequest.ApiKey, 0, 2),
        (InitProducerIdRequest.ApiKey, 0, 4),
        (OffsetForLeaderEpochRequest.ApiKey, 2, 4),
        (DescribeConfigsRequest.ApiKey, 0, 4),
        (AlterConfigsRequest.ApiKey, 0, 2),
        (SaslAuthenticateRequest.ApiKey, 0, 2),
        (CreatePartitionsRequest.ApiKey, 0, 3),
        (DeleteGroupsRequest.ApiKey, 0, 2),
        (IncrementalAlterConfigsRequest.ApiKey, 0, 1),
        (OffsetDeleteRequest.ApiKey, 0, 0),
        (DescribeUserScramCredentialsRequest.ApiKey, 0, 0),
        (AlterUserScramCredentialsRequest.ApiKey, 0, 0),
        (DescribeClusterRequest.ApiKey, 0, 1),
    ];

    private static readonly (short Min, short Max)[] ByKey = BuildLookup();

    private static (short, short)[] BuildLookup()
    {
        var table = new (short, short)[All.Max(a => a.ApiKey) + 1];
        Array.Fill(table, ((short)-1, (short)-1));
        foreach (var (key, min, max) in All)
        {
            table[key] = (min, max);
        }

        return table;
    }

    /// <summary>Whether <paramref name="apiKey"/> is advertised at all.</summary>
    public static bool IsKnown(short apiKey) => (uint)apiKey < (uint)ByKey.Length && ByKey[apiKey].Min >= 0;

    /// <summary>Whether <paramref name="apiKey"/> is advertised in <paramref name="version"/>.</summary>
    public static bool IsSupported(short apiKey, short version) =>
        IsKnown(apiKey) && version >= ByKey[apiKey].Min && version <= ByKey[apiKey].Max;
}
