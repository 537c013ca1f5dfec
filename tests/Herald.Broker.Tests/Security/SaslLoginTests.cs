using Confluent.Kafka;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Security;

/// <summary>Confluent.Kafka (librdkafka) logging in to <c>herald serve --auth</c> with each mechanism, as it would to Kafka.</summary>
public sealed class SaslLoginTests
{
    public static TheoryData<string> Mechanisms => new() { "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512" };

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task The_right_password_produces_and_consumes(string mechanism)
    {
        var server = await SecureTestBroker.Shared;
        var password = SecureUsers.NewPassword();
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, password);
        var topic = TestBroker.UniqueName("sasl");

        using (var producer = Clients.Producer(server.KafkaBootstrap, c => Clients.Login(c, mechanism, user, password)))
        {
            await producer.ProduceAsync(topic, new Message<string?, string> { Key = "k", Value = $"over {mechanism}" });
        }

        using var consumer = Clients.Consumer(server.KafkaBootstrap, TestBroker.UniqueName("g"), c => Clients.Login(c, mechanism, user, password));
        consumer.Subscribe(topic);
        var record = Assert.Single(Clients.ConsumeExactly(consumer, 1));
        Assert.Equal($"over {mechanism}", record.Message.Value);
        consumer.Close();
    }

    [Theory]
    [MemberData(nameof(Mechanisms))]
    public async Task A_wrong_password_is_reported_by_the_client_as_a_sasl_authentication_failure(string mechanism)
    {
        var server = await SecureTestBroker.Shared;
        var user = await SecureUsers.CreateAsync(server.KafkaBootstrap, SecureUsers.NewPassword());

        var error = await FirstErrorAsync(server.KafkaBootstrap, c => Clients.Login(c, mechanism, user, "not-the-password"));

        Assert.Equal(ErrorCode.Local_Authentication, error.Code);
        Assert.Contains($"Authentication failed during authentication due to invalid credentials with SASL mechanism {mechanism}", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_set_to_a_mechanism_the_server_does_not_offer_gets_unsupported_sasl_mechanism_with_the_offered_list()
    {
        var server = await SecureTestBroker.Shared;

        // OAUTHBEARER with librdkafka's unsecured test tokens: a mechanism Herald does not implement.
        var error = await FirstErrorAsync(server.KafkaBootstrap, c =>
        {
            c.SecurityProtocol = SecurityProtocol.SaslPlaintext;
            c.SaslMechanism = SaslMechanism.OAuthBearer;
            c.Set("enable.sasl.oauthbearer.unsecure.jwt", "true");
            c.SaslOauthbearerConfig = "principal=admin";
        });

        Assert.Equal(ErrorCode.Local_Authentication, error.Code);
        Assert.Contains("Unsupported SASL mechanism", error.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("PLAIN,SCRAM-SHA-256,SCRAM-SHA-512", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_without_sasl_settings_is_disconnected_and_produces_nothing()
    {
        var server = await SecureTestBroker.Shared;
        var topic = TestBroker.UniqueName("nosasl");

        using var producer = Clients.Producer(server.KafkaBootstrap, c => c.MessageTimeoutMs = 3000, onError: _ => { });
        var delivery = await Assert.ThrowsAsync<ProduceException<string?, string>>(
            () => producer.ProduceAsync(topic, new Message<string?, string> { Value = "anonymous" }));

        Assert.Equal(ErrorCode.Local_MsgTimedOut, delivery.Error.Code);
        Assert.Null(server.Broker.Topics.Find(topic));
    }

    /// <summary>Starts a producer configured by <paramref name="login"/>, sends one record, and returns the first error it reports.</summary>
    private static async Task<Error> FirstErrorAsync(string bootstrap, Action<ProducerConfig> login)
    {
        var first = new TaskCompletionSource<Error>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var producer = Clients.Producer(bootstrap, login, error => first.TrySetResult(error));
        producer.Produce(TestBroker.UniqueName("refused"), new Message<string?, string> { Value = "never stored" });
        return await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }
}
