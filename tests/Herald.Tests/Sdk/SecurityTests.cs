using Confluent.Kafka;
using Herald.Outbox;
using Herald.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Herald.Tests.Sdk;

/// <summary><c>o.Security(...)</c> against <c>herald serve --auth</c>: every client of the SDK logs in with the same settings.</summary>
public sealed class SecurityTests
{
    private static void LogIn(ClientConfig c)
    {
        c.SecurityProtocol = SecurityProtocol.SaslPlaintext;
        c.SaslMechanism = SaslMechanism.ScramSha256;
        c.SaslUsername = SecureTestBroker.AdminUser;
        c.SaslPassword = SecureTestBroker.AdminPassword;
    }

    [Fact]
    public async Task With_security_settings_the_publisher_the_outbox_relay_and_the_consumer_host_all_log_in()
    {
        var server = await SecureTestBroker.Shared;
        var topic = TestBroker.UniqueName("secure-users");
        var database = SdkHost.NewDatabase();
        await SendWelcomeEmail.EnsureTableAsync(database);
        await using var host = await SdkHost.StartAsync(
            server.KafkaBootstrap,
            o => o.Topic<UserCreated>(topic).Security(LogIn),
            h => h.AddConsumer<SendWelcomeEmail>(topic, TestBroker.UniqueName("welcome")),
            database);

        await host.Publisher.PublishAsync(new UserCreated("published", "published@example.com"));
        await using (var connection = new SqliteConnection(database))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await host.Services.GetRequiredService<IOutbox>().EnqueueAsync(new UserCreated("enqueued", "enqueued@example.com"), transaction);
            await transaction.CommitAsync();
        }

        await SdkHost.WaitUntilAsync(() => host.Metrics.Handled >= 2, "both events to be handled");
        Assert.Equal(1, host.Scalar("SELECT COUNT(*) FROM welcome_emails WHERE user_id = 'published'"));
        Assert.Equal(1, host.Scalar("SELECT COUNT(*) FROM welcome_emails WHERE user_id = 'enqueued'"));
    }

    [Fact]
    public async Task Without_security_settings_the_publisher_cannot_publish_to_a_broker_that_requires_sasl()
    {
        var server = await SecureTestBroker.Shared;
        var topic = TestBroker.UniqueName("insecure-users");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic).ConfigureProducer(p => p.MessageTimeoutMs = 2000));

        await Assert.ThrowsAsync<ProduceException<string?, byte[]>>(() => host.Publisher.PublishAsync(new UserCreated("refused", "refused@example.com")));
        Assert.Null(server.Broker.Topics.Find(topic));
    }
}
