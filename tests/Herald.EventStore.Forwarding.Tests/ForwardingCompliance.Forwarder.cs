using Herald.EventStore.Projections;
using Herald.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Herald.EventStore.Forwarding.Tests;

/// <summary>The forwarder: order, headers, checkpoints, system streams, broker outages, hosting.</summary>
public abstract partial class ForwardingCompliance
{
    [Fact]
    public async Task Forwarded_events_arrive_keyed_by_stream_in_stream_order_with_every_header()
    {
        var topic = NewTopic();
        await KafkaTopic.CreateAsync(Bootstrap, topic, partitions: 3);
        for (var round = 0; round < 4; round++)
        {
            foreach (var stream in new[] { "account-a", "account-b", "account-c", "account-d" })
            {
                await AppendAsync(stream, 2, start: round * 2 + 1);
            }
        }

        await Store.AppendAsync("account-a", ExpectedVersion.Any, [BalanceProjection.Event(new Withdrawn(3), """{"correlation_id":"flow-7","causation_id":"cmd-9","user":"x"}""")]);
        var forwarder = Forwarder(new EventForwarderOptions(topic, Bootstrap) { BatchSize = 7 });

        Assert.Equal(33, await forwarder.CatchUpAsync());

        var stored = await AllEventsAsync();
        var records = KafkaTopic.ReadAll(Bootstrap, topic);
        Assert.Equal(stored.Count, records.Count);
        var byPosition = stored.ToDictionary(e => e.GlobalPosition);
        foreach (var record in records)
        {
            AssertIsForwarded(byPosition[Position(record)], record);
        }

        foreach (var stream in records.GroupBy(r => r.Key))
        {
            // One partition per stream, and in it the stream's versions in order.
            Assert.Single(stream.Select(r => r.Partition).Distinct());
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), stream.OrderBy(r => r.Offset).Select(r => r.Headers["stream_version"]));
        }

        Assert.True(records.Select(r => r.Partition).Distinct().Count() > 1, "four streams over three partitions should use more than one");
        var withdrawn = records.Single(r => r.Headers["event_type"] == "Withdrawn");
        Assert.Equal("flow-7", withdrawn.Headers["correlation_id"]);
        Assert.Equal("cmd-9", withdrawn.Headers["causation_id"]);
        Assert.All(records.Where(r => r != withdrawn), r => Assert.False(r.Headers.ContainsKey("correlation_id")));
        Assert.Equal(stored[^1].GlobalPosition, await forwarder.GetPositionAsync());
    }

    [Fact]
    public async Task A_restarted_forwarder_resumes_from_its_checkpoint()
    {
        var topic = NewTopic();
        var options = new EventForwarderOptions(topic, Bootstrap) { BatchSize = 2 };
        await AppendAsync("order-1", 3);
        await AppendAsync("order-2", 2);
        using (var first = new EventForwarder(Store, options))
        {
            Assert.Equal(5, await first.CatchUpAsync());
        }

        await AppendAsync("order-1", 2, start: 4);
        await AppendAsync("order-3", 2);
        var second = Forwarder(options);
        Assert.Equal(5, await second.GetPositionAsync());

        Assert.Equal(4, await second.CatchUpAsync());

        var records = KafkaTopic.ReadAll(Bootstrap, topic);
        var stored = await AllEventsAsync();
        Assert.Equal(stored.Select(e => e.EventId.ToString()), records.OrderBy(r => r.Offset).Select(r => r.Headers["event_id"]));
        Assert.Equal(0, await second.CatchUpAsync());
    }

    [Fact]
    public async Task System_streams_are_not_forwarded_but_the_checkpoint_moves_past_them()
    {
        var topic = NewTopic();
        await AppendAsync("cart-1", 2);
        await Store.AppendAsync("$snapshot-cart-1", ExpectedVersion.Any, [BalanceProjection.Event(new Deposited(99))]);
        await AppendAsync("cart-2", 1);
        await Store.AppendAsync("$snapshot-cart-2", ExpectedVersion.Any, [BalanceProjection.Event(new Deposited(98))]);
        var forwarder = Forwarder(new EventForwarderOptions(topic, Bootstrap));

        Assert.Equal(3, await forwarder.CatchUpAsync());

        var records = KafkaTopic.ReadAll(Bootstrap, topic);
        Assert.Equal(["cart-1", "cart-1", "cart-2"], records.OrderBy(r => r.Offset).Select(r => r.Key));
        Assert.Equal(await Store.GetHeadPositionAsync(), await forwarder.GetPositionAsync());
    }

    [Fact]
    public async Task A_stream_prefix_and_a_filter_forward_only_matching_events()
    {
        var topic = NewTopic();
        await AppendAsync("order-1", 2);
        await AppendAsync("invoice-1", 2);
        await Store.AppendAsync("order-2", ExpectedVersion.Any, [BalanceProjection.Event(new Withdrawn(1)), BalanceProjection.Event(new Deposited(1))]);
        var forwarder = Forwarder(new EventForwarderOptions(topic, Bootstrap) { StreamPrefix = "order-", Filter = e => e.EventType == "Deposited" });

        Assert.Equal(3, await forwarder.CatchUpAsync());

        var records = KafkaTopic.ReadAll(Bootstrap, topic);
        Assert.Equal(["order-1", "order-1", "order-2"], records.OrderBy(r => r.Offset).Select(r => r.Key));
        Assert.All(records, r => Assert.Equal("Deposited", r.Headers["event_type"]));
        Assert.Equal(6, await forwarder.GetPositionAsync());
    }

    [Fact]
    public async Task An_unreachable_broker_leaves_the_checkpoint_in_place_and_a_working_one_then_gets_everything()
    {
        var topic = NewTopic();
        var options = new EventForwarderOptions(topic, Bootstrap);
        await AppendAsync("payment-1", 3);
        Assert.Equal(3, await Forwarder(options).CatchUpAsync());
        await AppendAsync("payment-1", 2, start: 4);
        await AppendAsync("payment-2", 2);

        using var closed = new ClosedPort();
        var broken = Forwarder(options with { BootstrapServers = closed.EndPoint, DeliveryTimeout = TimeSpan.FromSeconds(2) });
        var failure = await Assert.ThrowsAsync<ForwardingException>(() => broken.CatchUpAsync());

        Assert.True(failure.IsTransient, failure.ToString());
        Assert.Equal(4, failure.FirstFailedPosition);
        Assert.Equal(3, failure.LastAcknowledgedPosition);
        Assert.Equal(3, await broken.GetPositionAsync());
        Assert.Equal($"forward:{topic}", broken.CheckpointName);
        Assert.Equal(3, KafkaTopic.ReadAll(Bootstrap, topic).Count);

        Assert.Equal(4, await Forwarder(options).CatchUpAsync());
        var records = KafkaTopic.ReadAll(Bootstrap, topic);
        Assert.Equal((await AllEventsAsync()).Select(e => e.EventId.ToString()), records.OrderBy(r => r.Offset).Select(r => r.Headers["event_id"]));
        Assert.Equal(7, await broken.GetPositionAsync());
    }

    [Fact]
    public async Task A_cancelled_catch_up_against_an_unreachable_broker_does_not_move_the_checkpoint()
    {
        var topic = NewTopic();
        await AppendAsync("payment-1", 3);
        using var closed = new ClosedPort();
        var broken = Forwarder(new EventForwarderOptions(topic, closed.EndPoint));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => broken.CatchUpAsync(timeout.Token));

        Assert.Equal(0, await broken.GetPositionAsync());
        Assert.False(KafkaTopic.Exists(Bootstrap, topic));
    }

    [Fact]
    public async Task RunAsync_keeps_retrying_an_unreachable_broker_and_records_why_in_the_checkpoint_row()
    {
        var topic = NewTopic();
        await AppendAsync("payment-1", 2);
        using var closed = new ClosedPort();
        var options = new EventForwarderOptions(topic, closed.EndPoint)
        {
            DeliveryTimeout = TimeSpan.FromSeconds(1),
            RetryDelay = TimeSpan.FromMilliseconds(50),
        };
        var forwarder = Forwarder(options);
        using var stop = new CancellationTokenSource();
        var running = forwarder.RunAsync(stop.Token);

        var status = await WaitForCheckpointAsync(forwarder, s => s.Error is not null);
        await stop.CancelAsync();
        await running;

        Assert.Equal(0, status.Position);
        Assert.Equal(1, status.FailedPosition);
        Assert.Contains("position 1", status.Error, StringComparison.Ordinal);
        Assert.Equal(0, await forwarder.GetPositionAsync());
    }

    [Fact]
    public async Task The_hosted_service_forwards_events_appended_while_it_runs()
    {
        var topic = NewTopic();
        await AppendAsync("ticket-1", 2);
        var services = new ServiceCollection()
            .AddSingleton(Store)
            .AddEventForwarder(new EventForwarderOptions(topic, Bootstrap) { PollInterval = TimeSpan.FromMilliseconds(20) });
        await using var provider = services.BuildServiceProvider();
        var hosted = Assert.IsType<EventForwarderHostedService>(Assert.Single(provider.GetServices<IHostedService>()));

        await hosted.StartAsync(CancellationToken.None);
        await AppendAsync("ticket-2", 3);
        var head = await Store.GetHeadPositionAsync();
        var status = await WaitForCheckpointAsync(hosted.Forwarder, s => s.Position == head);
        await hosted.StopAsync(CancellationToken.None);

        Assert.Null(status.Error);
        Assert.Equal(5, KafkaTopic.ReadAll(Bootstrap, topic).Count);
    }

    /// <summary>Polls the forwarder's checkpoint row until <paramref name="done"/> holds (bounded so a bug fails instead of hanging).</summary>
    protected static async Task<ProjectionStatus> WaitForCheckpointAsync(EventForwarder forwarder, Func<ProjectionStatus, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var name = forwarder.CheckpointName;
        while (true)
        {
            var status = await forwarder.Checkpoints.GetAsync(name);
            if (done(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"checkpoint {name} stayed at {status}");
            await Task.Delay(20);
        }
    }
}
