using Herald.Testing;
using System.Text.Json;
using Herald.Broker.Tests.Infrastructure;

namespace Herald.Broker.Tests.Compatibility;

/// <summary>kafkajs 2.x with its default settings: non-flexible protocol versions, its own group client.</summary>
public sealed class KafkaJsTests
{
    [Fact]
    public async Task Kafkajs_creates_produces_consumes_in_a_group_and_commits()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("kafkajs");
        var group = TestBroker.UniqueName("kafkajs-group");

        var (exit, output) = await KafkaJs.RunScriptAsync("roundtrip.mjs", [server.KafkaBootstrap, topic, group, "60"], TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"kafkajs script failed:\n{output}");
        Assert.DoesNotContain("\"level\":\"ERROR\"", output);

        using var result = JsonDocument.Parse(output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..]);
        Assert.Equal(3, result.RootElement.GetProperty("partitions").GetInt32());
        var received = result.RootElement.GetProperty("received").EnumerateArray().ToList();
        Assert.Equal(60, received.Count);
        Assert.Equal(
            Enumerable.Range(0, 60).Select(i => $"value-{i}").Order(),
            received.Select(r => r.GetProperty("value").GetString()!).Order());

        // Per key, one partition and production order.
        foreach (var byKey in received.GroupBy(r => r.GetProperty("key").GetString()))
        {
            Assert.Single(byKey.Select(r => r.GetProperty("partition").GetInt32()).Distinct());
            var order = byKey.Select(r => int.Parse(r.GetProperty("value").GetString()!["value-".Length..])).ToList();
            Assert.Equal(order.Order(), order);
        }

        // Committed offsets equal each partition's end.
        var committed = result.RootElement.GetProperty("committed").EnumerateArray()
            .ToDictionary(p => p.GetProperty("partition").GetInt32(), p => p.GetProperty("offset").GetInt64());
        var topicLogs = server.Broker.Topics.Find(topic)!.Partitions;
        for (int p = 0; p < topicLogs.Count; p++)
        {
            Assert.Equal(topicLogs[p].LogEndOffset, committed[p]);
        }
    }
}
