using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Herald.WebConsole.Tests;

/// <summary>Seeds topics and consumer groups through the real Confluent clients and reads them back through the broker's HTTP API.</summary>
internal sealed partial class GroupSeed(ConsoleFixture fixture)
{
    public async Task CreateTopicAsync(string topic, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = fixture.Server.KafkaBootstrap }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }]);
    }

    public async Task ProduceAsync(string topic, int partition, int count)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap }).Build();
        for (var i = 0; i < count; i++)
        {
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<string, string> { Key = "k" + i, Value = "v" + i });
        }
    }

    /// <summary>Commits offsets the way a consumer that stopped would leave them: a simple commit, and no member stays behind.</summary>
    public void Commit(string group, string topic, params (int Partition, long Offset)[] offsets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = fixture.Server.KafkaBootstrap,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        consumer.Commit([.. offsets.Select(o => new TopicPartitionOffset(topic, o.Partition, o.Offset))]);
        consumer.Close();
    }

    /// <summary>A subscribed consumer that polls until disposed, so the group has an active member; returns once it has its assignment.</summary>
    public async Task<IAsyncDisposable> StartMemberAsync(string group, string topic)
    {
        var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = fixture.Server.KafkaBootstrap,
            GroupId = group,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            ClientId = "console-test-member",
        }).Build();
        consumer.Subscribe(topic);
        var stop = new CancellationTokenSource();
        var loop = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                consumer.Consume(TimeSpan.FromMilliseconds(100));
            }

            consumer.Close();
            consumer.Dispose();
        });
        var member = new Member(stop, loop);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await GroupAsync(group) is not { } lag || lag.GetProperty("members").GetArrayLength() == 0 || lag.GetProperty("state").GetString() != "Stable")
        {
            if (DateTime.UtcNow > deadline)
            {
                await member.DisposeAsync();
                throw new TimeoutException($"group {group} got no stable member");
            }

            await Task.Delay(100);
        }

        return member;
    }

    /// <summary>GET /api/v1/groups/{group}, or null on 404.</summary>
    public async Task<JsonElement?> GroupAsync(string group)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        using var response = await http.GetAsync($"/api/v1/groups/{Uri.EscapeDataString(group)}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>The group's committed offset on a partition, read back through the API.</summary>
    public async Task<long?> CommittedAsync(string group, string topic, int partition)
    {
        var lag = await GroupAsync(group) ?? throw new InvalidOperationException($"group {group} does not exist");
        var row = lag.GetProperty("partitions").EnumerateArray()
            .Single(p => p.GetProperty("topic").GetString() == topic && p.GetProperty("partition").GetInt32() == partition);
        return row.GetProperty("committed_offset").ValueKind == JsonValueKind.Null ? null : row.GetProperty("committed_offset").GetInt64();
    }

    /// <summary>The group's <c>herald_consumer_group_lag_messages</c> samples on <c>/metrics</c>, by topic and partition.</summary>
    public async Task<Dictionary<(string Topic, int Partition), long>> MetricsLagAsync(string group)
    {
        using var http = new HttpClient { BaseAddress = fixture.BaseAddress };
        var text = await http.GetStringAsync("/metrics");
        var result = new Dictionary<(string, int), long>();
        foreach (Match match in LagSample().Matches(text))
        {
            if (match.Groups["group"].Value == group)
            {
                result[(match.Groups["topic"].Value, int.Parse(match.Groups["partition"].Value, CultureInfo.InvariantCulture))] =
                    long.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    /// <summary>The audit records on <c>herald.audit</c> keyed by <paramref name="key"/>, read with a real consumer.</summary>
    public List<JsonElement> AuditRecords(string key)
    {
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = fixture.Server.KafkaBootstrap,
            GroupId = "audit-reader-" + Guid.NewGuid().ToString("N"),
            EnablePartitionEof = true,
            EnableAutoCommit = false,
        }).Build();
        var result = new List<JsonElement>();
        if (fixture.Server.Broker.Topics.Find("herald.audit") is null)
        {
            return result;
        }

        consumer.Assign(new TopicPartitionOffset("herald.audit", 0, Offset.Beginning));
        while (consumer.Consume(TimeSpan.FromSeconds(10)) is { } record && !record.IsPartitionEOF)
        {
            if (record.Message.Key == key)
            {
                result.Add(JsonDocument.Parse(record.Message.Value).RootElement.Clone());
            }
        }

        return result;
    }

    [GeneratedRegex("""^herald_consumer_group_lag_messages\{group="(?<group>[^"]*)",topic="(?<topic>[^"]*)",partition="(?<partition>\d+)"\} (?<value>\d+)$""", RegexOptions.Multiline)]
    private static partial Regex LagSample();

    private sealed class Member(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }
}
