using System.Text;
using Herald.Broker.Tests.Infrastructure;
using Herald.Protocol;
using Herald.Protocol.Messages;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>The SASL exchange byte by byte on a raw socket: the versions and paths librdkafka does not take, and the refusals.</summary>
public sealed class SaslWireTests
{
    private static readonly MetadataRequest AllTopics = new() { Topics = null };

    private static string PlainToken(string user, string password) => $"\0{user}\0{password}";

    [Fact]
    public async Task ApiVersions_is_answered_before_authentication_and_lists_the_sasl_apis()
    {
        var server = await SecureTestBroker.Shared;
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        var versions = await connection.SendAsync<ApiVersionsResponse>(new ApiVersionsRequest { ClientSoftwareName = "raw", ClientSoftwareVersion = "1" }, 3);

        Assert.NotNull(versions);
        var byKey = versions.ApiKeys.ToDictionary(k => k.ApiKey, k => (k.MinVersion, k.MaxVersion));
        Assert.Equal(((short)0, (short)1), byKey[SaslHandshakeRequest.ApiKey]);
        Assert.Equal(((short)0, (short)2), byKey[SaslAuthenticateRequest.ApiKey]);
        Assert.Equal(((short)0, (short)0), byKey[DescribeUserScramCredentialsRequest.ApiKey]);
        Assert.Equal(((short)0, (short)0), byKey[AlterUserScramCredentialsRequest.ApiKey]);
    }

    [Fact]
    public async Task Metadata_before_authentication_closes_the_connection_without_an_answer()
    {
        var server = await SecureTestBroker.Shared;
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        Assert.Null(await connection.SendAsync<MetadataResponse>(AllTopics, 12));
    }

    [Fact]
    public async Task Metadata_between_the_handshake_and_the_login_closes_the_connection()
    {
        var server = await SecureTestBroker.Shared;
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        var handshake = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 1);
        Assert.Equal(0, handshake!.ErrorCode);

        Assert.Null(await connection.SendAsync<MetadataResponse>(AllTopics, 12));
    }

    [Fact]
    public async Task A_handshake_for_an_unknown_mechanism_gets_unsupported_sasl_mechanism_with_the_enabled_list_then_a_close()
    {
        var server = await SecureTestBroker.Shared;
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        var handshake = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "GSSAPI" }, 1);

        Assert.Equal((short)ErrorCode.UnsupportedSaslMechanism, handshake!.ErrorCode);
        Assert.Equal(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], handshake.Mechanisms);
        Assert.True(await connection.IsClosedByBrokerAsync());
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-512")]
    public async Task Scram_over_flexible_SaslAuthenticate_v2_logs_in_proves_the_server_and_serves_requests(string mechanism)
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);
        var scram = new ScramClient(mechanism, user, password);

        Assert.Equal(0, (await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = mechanism }, 1))!.ErrorCode);
        var first = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = scram.ClientFirst() }, 2);
        Assert.Equal(0, first!.ErrorCode);
        var final = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = scram.ClientFinal(first.AuthBytes) }, 2);

        Assert.Equal(0, final!.ErrorCode);
        Assert.True(scram.VerifiesServer(final.AuthBytes), Encoding.UTF8.GetString(final.AuthBytes));
        Assert.Equal(0, final.SessionLifetimeMs);
        Assert.NotNull(await connection.SendAsync<MetadataResponse>(AllTopics, 12));
    }

    [Fact]
    public async Task Plain_after_a_v0_handshake_uses_raw_tokens_and_an_empty_token_answers_success()
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        Assert.Equal(0, (await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 0))!.ErrorCode);
        var answer = await connection.SendRawTokenAsync(Encoding.UTF8.GetBytes(PlainToken(user, password)));

        Assert.NotNull(answer);
        Assert.Empty(answer);
        Assert.NotNull(await connection.SendAsync<MetadataResponse>(AllTopics, 12));
    }

    [Fact]
    public async Task Scram_after_a_v0_handshake_uses_raw_tokens()
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);
        var scram = new ScramClient("SCRAM-SHA-256", user, password);

        Assert.Equal(0, (await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "SCRAM-SHA-256" }, 0))!.ErrorCode);
        var serverFirst = await connection.SendRawTokenAsync(scram.ClientFirst());
        var serverFinal = await connection.SendRawTokenAsync(scram.ClientFinal(serverFirst!));

        Assert.True(scram.VerifiesServer(serverFinal!));
        Assert.NotNull(await connection.SendAsync<MetadataResponse>(AllTopics, 12));
    }

    [Fact]
    public async Task A_wrong_password_after_a_v0_handshake_closes_the_connection_without_an_answer()
    {
        var server = await SecureTestBroker.Shared;
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, SecureUsers.NewPassword());
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        Assert.Equal(0, (await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 0))!.ErrorCode);

        Assert.Null(await connection.SendRawTokenAsync(Encoding.UTF8.GetBytes(PlainToken(user, "wrong"))));
    }

    [Fact]
    public async Task An_unknown_user_gets_a_salt_and_then_the_same_failure_as_a_wrong_password()
    {
        var server = await SecureTestBroker.Shared;
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, SecureUsers.NewPassword());

        var (wrongPasswordFirst, wrongPassword) = await FailedScramLoginAsync(server.KafkaBootstrap, user);
        var (unknownUserFirst, unknownUser) = await FailedScramLoginAsync(server.KafkaBootstrap, TestBroker.UniqueName("nobody"));

        Assert.Matches("^r=[^,]+,s=[A-Za-z0-9+/=]+,i=4096$", wrongPasswordFirst);
        Assert.Matches("^r=[^,]+,s=[A-Za-z0-9+/=]+,i=4096$", unknownUserFirst);
        Assert.Equal((short)ErrorCode.SaslAuthenticationFailed, wrongPassword.ErrorCode);
        Assert.Equal(wrongPassword.ErrorCode, unknownUser.ErrorCode);
        Assert.Equal(wrongPassword.ErrorMessage, unknownUser.ErrorMessage);
        Assert.Equal("Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256", unknownUser.ErrorMessage);
    }

    [Fact]
    public async Task Re_authenticating_as_the_same_user_keeps_the_connection_and_as_another_user_closes_it()
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        var other = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        Assert.Equal(0, await PlainLoginAsync(connection, user, password));
        Assert.Equal(0, await PlainLoginAsync(connection, user, password));
        Assert.NotNull(await connection.SendAsync<MetadataResponse>(AllTopics, 12));

        Assert.Equal((short)ErrorCode.SaslAuthenticationFailed, await PlainLoginAsync(connection, other, password));
        Assert.True(await connection.IsClosedByBrokerAsync());
    }

    [Fact]
    public async Task A_frame_over_512_KiB_before_authentication_closes_the_connection()
    {
        var server = await SecureTestBroker.Shared;

        var reply = await RawFrames.SendAsync(server.KafkaBootstrap, [0x00, 0x09, 0x00, 0x00], TimeSpan.FromSeconds(30), halfClose: false);

        Assert.True(reply.Closed, reply.ToString());
        Assert.Empty(reply.Response);
    }

    [Fact]
    public async Task Sasl_requests_to_a_broker_without_auth_get_illegal_sasl_state()
    {
        var server = await TestBroker.Shared;
        await using var connection = await RawConnection.OpenAsync(server.KafkaBootstrap);

        var handshake = await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 1);
        var authenticate = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes(PlainToken("a", "b")) }, 2);

        Assert.Equal((short)ErrorCode.IllegalSaslState, handshake!.ErrorCode);
        Assert.Equal((short)ErrorCode.IllegalSaslState, authenticate!.ErrorCode);
        Assert.NotNull(await connection.SendAsync<MetadataResponse>(AllTopics, 12));
    }

    private static async Task<short> PlainLoginAsync(RawConnection connection, string user, string password)
    {
        Assert.Equal(0, (await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 1))!.ErrorCode);
        var response = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes(PlainToken(user, password)) }, 1);
        return response!.ErrorCode;
    }

    private static async Task<(string ServerFirst, SaslAuthenticateResponse Final)> FailedScramLoginAsync(string bootstrap, string user)
    {
        await using var connection = await RawConnection.OpenAsync(bootstrap);
        var scram = new ScramClient("SCRAM-SHA-256", user, "not-the-password");
        await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "SCRAM-SHA-256" }, 1);
        var first = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = scram.ClientFirst() }, 1);
        var final = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = scram.ClientFinal(first!.AuthBytes) }, 1);
        Assert.True(await connection.IsClosedByBrokerAsync());
        return (Encoding.UTF8.GetString(first.AuthBytes), final!);
    }
}
