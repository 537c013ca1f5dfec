using Herald.Diagnostics;
using Herald.Outbox;
using Herald.Testing;
using Herald.Tests.Sdk;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Herald.Tests.Outbox;

/// <summary>The relay's gauges, counters and health check, from a real relay over a SQLite outbox.</summary>
public sealed class OutboxHealthAndMetricsTests
{
    [Fact]
    public async Task A_publishing_relay_is_healthy_holds_the_lease_and_counts_what_it_published()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("orders");
        var relayName = TestBroker.UniqueName("relay");
        using var recorder = new MeasurementRecorder(HeraldDiagnostics.MeterName, m => m.Tag("herald.outbox.relay") == relayName);
        var database = SdkHost.NewDatabase();
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<OrderPlaced>(topic).Outbox(r => r with { Name = relayName }), database: database);
        var relay = host.Services.GetRequiredService<OutboxRelay>();
        await SdkHost.WaitUntilAsync(() => relay.HoldsLease, "the relay to take its lease");

        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(database))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            var outbox = host.Services.GetRequiredService<IOutbox>();
            for (var i = 0; i < 3; i++)
            {
                await outbox.EnqueueAsync(new OrderPlaced("order-1", i), transaction);
            }

            await transaction.CommitAsync();
        }

        await SdkHost.WaitUntilAsync(() => relay.Published == 3, "the relay to publish");
        await relay.RefreshStatusAsync();
        Assert.Equal(3, recorder.Sum("herald.outbox.published"));
        Assert.Equal(1, recorder.Latest("herald.outbox.lease_held"));
        Assert.Equal(0, recorder.Latest("herald.outbox.breaker_state"));
        Assert.Equal(0, recorder.Latest("herald.outbox.backlog_rows"));
        Assert.Equal(0, recorder.Latest("herald.outbox.oldest_age"));

        var check = new OutboxHealthCheck(relay);
        var result = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(true, result.Data["lease_held"]);
    }

    [Theory]
    [InlineData(BrokerDownMode.Buffer, HealthStatus.Degraded)]
    [InlineData(BrokerDownMode.Reject, HealthStatus.Unhealthy)]
    public async Task With_the_broker_unreachable_the_breaker_opens_and_health_follows_the_backlog_policy(BrokerDownMode mode, HealthStatus overLimit)
    {
        using var closed = new ClosedPort();
        var relayName = TestBroker.UniqueName("relay");
        using var recorder = new MeasurementRecorder(HeraldDiagnostics.MeterName, m => m.Tag("herald.outbox.relay") == relayName);
        var file = new TempSqliteFile("outbox-health", "app.db");
        file.Create();
        try
        {
            var services = new ServiceCollection().AddLogging();
            services.AddHerald(o => o.Bootstrap($"127.0.0.1:{closed.Port}").UseSqlite(file.ConnectionString).Outbox(r => r with
            {
                Name = relayName,
                DeliveryTimeout = TimeSpan.FromMilliseconds(200),
                StatusInterval = TimeSpan.FromMilliseconds(100),
                WhenBacklogExceeded = mode,
                Backlog = new OutboxBacklogLimits { MaxRows = 5 },
            }));
            services.AddHealthChecks().AddHeraldOutbox();
            await using var provider = services.BuildServiceProvider();
            var relay = provider.GetRequiredService<OutboxRelay>();
            var health = provider.GetRequiredService<HealthCheckService>();
            await relay.StartAsync(CancellationToken.None);
            try
            {
                var outbox = provider.GetRequiredService<IOutbox>();
                await EnqueueAsync(file.ConnectionString, outbox, 3);
                await SdkHost.WaitUntilAsync(() => relay.BreakerState == OutboxBreakerState.Open, "the breaker to open");
                Assert.Equal(2, recorder.Latest("herald.outbox.breaker_state"));
                Assert.Equal(HealthStatus.Degraded, (await health.CheckHealthAsync()).Status);

                await EnqueueAsync(file.ConnectionString, outbox, 3);
                await SdkHost.WaitUntilAsync(() => relay.IsBacklogExceeded, "the status refresh to see the backlog");
                Assert.Equal(6, recorder.Latest("herald.outbox.backlog_rows"));
                Assert.True(recorder.Latest("herald.outbox.oldest_age") >= 0);
                var report = await health.CheckHealthAsync();
                Assert.Equal(overLimit, report.Status);
                Assert.Equal(6L, report.Entries["herald-outbox"].Data["backlog_rows"]);
            }
            finally
            {
                await relay.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            file.Delete();
        }
    }

    private static async Task EnqueueAsync(string database, IOutbox outbox, int events)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < events; i++)
        {
            await outbox.EnqueueAsync(new OrderPlaced("order-1", i), transaction, new(Topic: "orders"));
        }

        await transaction.CommitAsync();
    }
}
