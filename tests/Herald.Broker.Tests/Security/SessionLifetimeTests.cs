using System.Text;
using Confluent.Kafka;
using Herald.Broker.Tests.Infrastructure;
using Herald.Protocol.Messages;
using Herald.Server;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>KIP-368: with a session lifetime, clients re-authenticate on their connection, and a connection that does not is closed.</summary>
public sealed class SessionLifetimeTests : IAsyncLifetime
{
    // Long enough that librdkafka's re-authentication (near the end of the lifetime) lands before expiry on a loaded 2-core CI machine.
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(6);
    private readonly CapturingLoggerProvider _logs = new();
    private HeraldServer? _server;

    private HeraldServer Server => _server!;

    public async Task InitializeAsync() =>
        _server = await SecureTestBroker.StartAsync(TestBroker.NewDataDirectory(), _logs, a => a with { SessionLifetime = Lifetime });

    public async Task DisposeAsync() => await Server.DisposeAsync();

    [Fact]
    public async Task The_login_answer_carries_the_session_lifetime_and_an_expired_session_closes_the_connection()
    {
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(Server.KafkaBootstrap, password);
        await using var connection = await RawConnection.OpenAsync(Server.KafkaBootstrap);

        await connection.SendAsync<SaslHandshakeResponse>(new SaslHandshakeRequest { Mechanism = "PLAIN" }, 1);
        var login = await connection.SendAsync<SaslAuthenticateResponse>(new SaslAuthenticateRequest { AuthBytes = Encoding.UTF8.GetBytes($"\0{user}\0{password}") }, 1);
        Assert.Equal(0, login!.ErrorCode);
        Assert.Equal((long)Lifetime.TotalMilliseconds, login.SessionLifetimeMs);

        // Served until the session expires, then closed: the connection never re-authenticates.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int served = 0;
        while (await connection.SendAsync<MetadataResponse>(new MetadataRequest { Topics = null }, 12) is not null)
        {
            served++;
            Assert.True(DateTime.UtcNow < deadline, $"still served after {served} requests");
            await Task.Delay(50);
        }

        Assert.True(served > 0);
    }

    [Fact]
    public async Task Librdkafka_re_authenticates_before_the_session_expires_and_keeps_producing()
    {
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(Server.KafkaBootstrap, password);
        var topic = TestBroker.UniqueName("reauth");
        using var producer = Clients.Producer(Server.KafkaBootstrap, c => Clients.Login(c, "SCRAM-SHA-256", user, password));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        int produced = 0;
        while (!_logs.Lines.Any(l => l.Contains($"User '{user}' re-authenticated", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no re-authentication after {produced} records");
            await producer.ProduceAsync(topic, new Message<string?, string> { Value = $"record {produced++}" });
            await Task.Delay(100);
        }

        var after = await producer.ProduceAsync(topic, new Message<string?, string> { Value = "after re-authentication" });
        Assert.Equal(PersistenceStatus.Persisted, after.Status);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("expired", StringComparison.Ordinal) && l.Contains(user, StringComparison.Ordinal));
    }
}
