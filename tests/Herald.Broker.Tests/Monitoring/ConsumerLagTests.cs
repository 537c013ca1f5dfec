using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Broker.Monitoring;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Monitoring;

/// <summary>Consumer lag as the broker computes it, driven by real librdkafka clients, read through the monitor, the HTTP API and /metrics.</summary>
public sealed class ConsumerLagTests(ClockedBroker broker) : IClassFixture<ClockedBroker>
{
    private ConsumerLagMonitor Monitor => broker.Server.Broker.ConsumerLag;

    [Fact]
    public async Task Lag_in_messages_and_seconds_follows_committed_offsets_and_broker_append_times_exactly()
    {
        var (topic, group) = (TestBroker.UniqueName("lag"), TestBroker.UniqueName("g"));
        await Clients.CreateTopicAsync(broker.Bootstrap, topic, 1);
        await ProduceAsync(topic, 10);
        broker.Clock.Advance(TimeSpan.FromSeconds(7));
        await ProduceAsync(topic, 5);
        Commit(group, topic, 4);
        broker.Clock.Advance(TimeSpan.FromSeconds(30));

        var partition = Assert.Single(Monitor.Get(group)!.Partitions);
        Assert.Equal((4L, 15L, 11L, 37.0), (partition.CommittedOffset, partition.EndOffset, partition.LagMessages, partition.LagSeconds));

        // Past the first produce: the oldest unread record is one appended 7 s later.
        Commit(group, topic, 12);
        var lag = Monitor.Get(group)!;
        Assert.Equal((3L, 30.0), (lag.Partitions[0].LagMessages, lag.Partitions[0].LagSeconds));
        Assert.Equal((3L, 3L, 30.0), (lag.TotalLagMessages, lag.MaxLagMessages, lag.MaxLagSeconds));

        Commit(group, topic, 15);
        lag = Monitor.Get(group)!;
        Assert.Equal((0L, 0.0), (lag.Partitions[0].LagMessages, lag.Partitions[0].LagSeconds));
        Assert.Equal("Empty", lag.State);
    }

    [Fact]
    public async Task Lag_in_seconds_keeps_growing_while_a_stopped_group_waits_on_an_idle_topic()
    {
        var (topic, group) = (TestBroker.UniqueName("idle"), TestBroker.UniqueName("g"));
        await Clients.CreateTopicAsync(broker.Bootstrap, topic, 1);
        await ProduceAsync(topic, 3);
        Commit(group, topic, 1);
        broker.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(120.0, Monitor.Get(group)!.MaxLagSeconds);
        broker.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(300.0, Monitor.Get(group)!.MaxLagSeconds);
    }

    [Fact]
    public async Task A_stable_group_names_the_member_of_each_partition_and_an_uncommitted_partition_has_no_lag()
    {
        var (topic, group) = (TestBroker.UniqueName("members"), TestBroker.UniqueName("g"));
        await Clients.CreateTopicAsync(broker.Bootstrap, topic, 2);
        await ProduceAsync(topic, 4, partition: 0);
        using var consumer = Clients.Consumer(broker.Bootstrap, group, c => c.ClientId = "lag-test-client");
        consumer.Subscribe(topic);
        Clients.ConsumeExactly(consumer, 4);
        consumer.Commit();

        var lag = Monitor.Get(group)!;
        var member = Assert.Single(lag.Members);
        Assert.Equal(("Stable", consumer.MemberId, "lag-test-client"), (lag.State, member.MemberId, member.ClientId));
        Assert.Equal([(topic, 0), (topic, 1)], member.Assignment.Select(a => (a.Topic, a.Partition)).Order().ToList());
        Assert.Equal(2, lag.Partitions.Count);
        Assert.All(lag.Partitions, p => Assert.Equal(consumer.MemberId, p.MemberId));
        Assert.Equal((4L, 0L), (lag.Partitions[0].CommittedOffset, lag.Partitions[0].LagMessages));
        Assert.Null(lag.Partitions[1].CommittedOffset);
        Assert.Null(lag.Partitions[1].LagMessages);
        consumer.Close();
    }

    [Fact]
    public async Task Records_deleted_before_the_group_read_them_count_once_as_lost()
    {
        var (topic, group) = (TestBroker.UniqueName("lost"), TestBroker.UniqueName("g"));
        await Clients.CreateTopicAsync(broker.Bootstrap, topic, 1);
        await ProduceAsync(topic, 6);
        broker.Clock.Advance(TimeSpan.FromSeconds(4));
        await ProduceAsync(topic, 4);
        Commit(group, topic, 2);
        using (var admin = Clients.Admin(broker.Bootstrap))
        {
            await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 6)]);
        }

        broker.Clock.Advance(TimeSpan.FromSeconds(1));
        var partition = Monitor.Get(group)!.Partitions[0];
        Assert.Equal((8L, 1.0), (partition.LagMessages!.Value, partition.LagSeconds!.Value));
        Monitor.Get(group);
        Assert.Equal(4, Lost(group, topic));

        using (var admin = Clients.Admin(broker.Bootstrap))
        {
            await admin.DeleteRecordsAsync([new TopicPartitionOffset(topic, 0, 7)]);
        }

        Monitor.Get(group);
        Assert.Equal(5, Lost(group, topic));
    }

    [Fact]
    public async Task The_http_api_and_metrics_report_the_monitors_numbers()
    {
        var (topic, group) = (TestBroker.UniqueName("api"), TestBroker.UniqueName("g"));
        await Clients.CreateTopicAsync(broker.Bootstrap, topic, 1);
        await ProduceAsync(topic, 9);
        Commit(group, topic, 2);
        broker.Clock.Advance(TimeSpan.FromSeconds(12));

        using var http = new HttpClient { BaseAddress = broker.Server.HttpAddress };
        var json = await http.GetFromJsonAsync<JsonElement>($"/api/v1/groups/{Uri.EscapeDataString(group)}");
        var partition = json.GetProperty("partitions")[0];
        Assert.Equal((7L, 12.0), (partition.GetProperty("lag_messages").GetInt64(), partition.GetProperty("lag_seconds").GetDouble()));
        Assert.Equal(7L, json.GetProperty("total_lag_messages").GetInt64());

        var missing = await http.GetAsync("/api/v1/groups/no-such-group");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("'no-such-group' does not exist", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var metrics = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        var text = await metrics.Content.ReadAsStringAsync();
        var labels = $"{{group=\"{group}\",topic=\"{topic}\",partition=\"0\"}}";
        Assert.Equal(7, Sample(text, "herald_consumer_group_lag_messages" + labels));
        Assert.Equal(12, Sample(text, "herald_consumer_group_lag_seconds" + labels));
        Assert.Equal(2, Sample(text, "herald_consumer_group_committed_offset" + labels));
        Assert.Equal(12, Sample(text, $"herald_consumer_group_max_lag_seconds{{group=\"{group}\"}}"));
        Assert.Equal(9, Sample(text, $"herald_topic_messages_in_total{{topic=\"{topic}\"}}"));
        Assert.Equal(9, Sample(text, $"herald_partition_end_offset{{topic=\"{topic}\",partition=\"0\"}}"));
    }

    /// <summary>The value of one sample line of a Prometheus text exposition.</summary>
    internal static double Sample(string exposition, string series)
    {
        var line = exposition.Split('\n').SingleOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no sample {series} in:\n{exposition}");
        return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private long Lost(string group, string topic) => Monitor.LostMessages().Single(l => l.Group == group && l.Topic == topic).Messages;

    private async Task ProduceAsync(string topic, int count, int partition = 0)
    {
        using var producer = Clients.Producer(broker.Bootstrap);
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<string?, string> { Key = "k", Value = "v" + i });
        }
    }

    /// <summary>Commits an offset as a group that has no members (what a stopped consumer leaves behind).</summary>
    private void Commit(string group, string topic, long offset)
    {
        using var consumer = Clients.Consumer(broker.Bootstrap, group);
        consumer.Commit([new TopicPartitionOffset(topic, 0, offset)]);
    }
}
