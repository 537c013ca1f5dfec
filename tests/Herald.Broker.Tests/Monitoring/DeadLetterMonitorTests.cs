using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Herald.Broker.Monitoring;
using Herald.Broker.Tests.Infrastructure;
using Herald.Testing;

namespace Herald.Broker.Tests.Monitoring;

/// <summary>DLQ depth and age: dead letters in <c>&lt;topic&gt;.dlq</c> minus those the audit topic says were redriven or discarded.</summary>
public sealed class DeadLetterMonitorTests(ClockedBroker broker) : IClassFixture<ClockedBroker>
{
    [Fact]
    public async Task Depth_counts_unresolved_dead_letters_and_age_is_the_oldest_ones_across_a_restart()
    {
        var source = TestBroker.UniqueName("orders");
        var dlq = source + ".dlq";
        await Clients.CreateTopicAsync(broker.Bootstrap, dlq, 1);
        using (var producer = Clients.Producer(broker.Bootstrap))
        {
            for (var i = 0; i < 3; i++)
            {
                await producer.ProduceAsync(dlq, new Message<string?, string> { Key = "k", Value = "dead " + i });
                broker.Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        broker.Clock.Advance(TimeSpan.FromSeconds(7));
        Assert.Equal((3L, 0L, 3L, 10.0), Measure(dlq));

        await AuditAsync("""{"action":"dlq.redrive","who":"ops@host","at":"2026-06-01T08:00:10Z","reason":"fixed","dlq_topic":"DLQ","records":[{"partition":0,"offset":0,"target_topic":"SRC"}]}""", dlq, source);
        Assert.Equal((3L, 1L, 2L, 9.0), Measure(dlq));

        // Other writers' records on the audit topic, and another action, change nothing.
        await AuditAsync("not json at all", dlq, source);
        await AuditAsync("""{"action":"topic.delete","dlq_topic":"DLQ","records":[{"partition":0,"offset":1}]}""", dlq, source);
        Assert.Equal((3L, 1L, 2L, 9.0), Measure(dlq));

        await AuditAsync("""{"action":"dlq.discard","who":"ops@host","at":"2026-06-01T08:00:11Z","reason":"duplicate order","dlq_topic":"DLQ","records":[{"partition":0,"offset":1}]}""", dlq, source);
        Assert.Equal((3L, 2L, 1L, 8.0), Measure(dlq));

        using (var http = new HttpClient { BaseAddress = broker.Server.HttpAddress })
        {
            var text = await http.GetStringAsync("/metrics");
            Assert.Equal(1, ConsumerLagTests.Sample(text, $"herald_dlq_depth_messages{{topic=\"{source}\"}}"));
            Assert.Equal(3, ConsumerLagTests.Sample(text, $"herald_dlq_messages_total{{topic=\"{source}\"}}"));
            Assert.Equal(8, ConsumerLagTests.Sample(text, $"herald_dlq_oldest_unresolved_age_seconds{{topic=\"{source}\"}}"));
            var api = await http.GetFromJsonAsync<JsonElement>("/api/v1/dlq");
            var entry = api.GetProperty("topics").EnumerateArray().Single(t => t.GetProperty("topic").GetString() == dlq);
            Assert.Equal((source, 1L), (entry.GetProperty("source_topic").GetString(), entry.GetProperty("depth").GetInt64()));
        }

        await broker.RestartAsync();
        Assert.Equal((3L, 2L, 1L, 8.0), Measure(dlq));

        await AuditAsync("""{"action":"dlq.discard","who":"ops@host","at":"2026-06-01T08:00:12Z","reason":"test data","dlq_topic":"DLQ","records":[{"partition":0,"offset":2}]}""", dlq, source);
        var drained = broker.Server.Broker.DeadLetters.GetAll().Single(q => q.Topic == dlq);
        Assert.Equal((0L, (double?)null), (drained.Depth, drained.OldestUnresolvedAgeSeconds));
    }

    private (long Messages, long Resolved, long Depth, double Age) Measure(string dlq)
    {
        var state = broker.Server.Broker.DeadLetters.GetAll().Single(q => q.Topic == dlq);
        return (state.Messages, state.Resolved, state.Depth, state.OldestUnresolvedAgeSeconds!.Value);
    }

    private async Task AuditAsync(string json, string dlq, string source)
    {
        using var producer = Clients.Producer(broker.Bootstrap);
        await producer.ProduceAsync(DeadLetterMonitor.AuditTopic, new Message<string?, string> { Key = dlq, Value = json.Replace("DLQ", dlq, StringComparison.Ordinal).Replace("SRC", source, StringComparison.Ordinal) });
    }
}
