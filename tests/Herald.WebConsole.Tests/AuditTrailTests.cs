using Confluent.Kafka;
using Herald.DeadLetters;
using Herald.WebConsole.Audit;

namespace Herald.WebConsole.Tests;

/// <summary>The audit page's reader: newest first, page after page, every record exactly once.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AuditTrailTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task Paging_through_the_audit_topic_returns_every_record_once_newest_first()
    {
        var key = Herald.Testing.TestBroker.UniqueName("audit-paging");
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = fixture.Server.KafkaBootstrap, Acks = Acks.All }).Build())
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync(
                    DeadLetterHeaders.AuditTopic,
                    new Message<string, string> { Key = key, Value = $"{{\"action\":\"test.step\",\"who\":\"tester\",\"reason\":\"step {i}\",\"topic\":\"{key}\"}}" });
            }
        }

        var trail = new AuditTrail(fixture.Server.Broker);
        var seen = new List<AuditEntry>();
        string? cursor = null;
        AuditTrailPage page;
        var pages = 0;
        do
        {
            page = trail.ReadPage(cursor, 2);
            Assert.True(page.Entries.Count <= 2);
            seen.AddRange(page.Entries);
            cursor = page.Older;
            Assert.True(++pages < 10_000, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal(page.Total, seen.Count);
        Assert.Equal(seen.Count, seen.Select(e => (e.Partition, e.Offset)).Distinct().Count());
        var mine = seen.Where(e => e.Target == key).ToList();
        Assert.Equal(["step 4", "step 3", "step 2", "step 1", "step 0"], mine.Select(e => e.Reason));
        Assert.All(mine, e => Assert.Equal("test.step", e.Action));
    }
}
