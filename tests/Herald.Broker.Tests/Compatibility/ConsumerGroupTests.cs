using Herald.Testing;
using Confluent.Kafka;
using Herald.Broker.Tests.Infrastructure;

namespace Herald.Broker.Tests.Compatibility;

public sealed class ConsumerGroupTests
{
    private static void PollUntil(IEnumerable<IConsumer<string?, string>> consumers, Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out waiting for {what}");
            }

            foreach (var consumer in consumers)
            {
                consumer.Consume(TimeSpan.FromMilliseconds(50));
            }
        }
    }

    [Fact]
    public async Task Three_members_share_the_partitions_and_rebalance_on_join_and_leave()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("group3");
        var group = TestBroker.UniqueName("g");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 6);

        var members = new List<IConsumer<string?, string>>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                var consumer = Clients.Consumer(server.KafkaBootstrap, group, c => c.SessionTimeoutMs = 10_000);
                consumer.Subscribe(topic);
                members.Add(consumer);
            }

            bool EvenlyAssigned(IReadOnlyList<IConsumer<string?, string>> active, int each) =>
                active.All(m => m.Assignment.Count == each)
                && active.SelectMany(m => m.Assignment).Select(tp => tp.Partition.Value).Distinct().Count() == 6;

            PollUntil(members, () => EvenlyAssigned(members, 2), "three members with two partitions each");

            // One member leaves: the other two take over its partitions.
            members[2].Close();
            members[2].Dispose();
            members.RemoveAt(2);
            PollUntil(members, () => EvenlyAssigned(members, 3), "two members with three partitions each");

            // A new member joins: back to two each.
            var late = Clients.Consumer(server.KafkaBootstrap, group, c => c.SessionTimeoutMs = 10_000);
            late.Subscribe(topic);
            members.Add(late);
            PollUntil(members, () => EvenlyAssigned(members, 2), "the late member to get its share");
        }
        finally
        {
            foreach (var member in members)
            {
                member.Close();
                member.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_new_consumer_resumes_after_the_last_committed_offset()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("resume");
        var group = TestBroker.UniqueName("g");
        using (var producer = Clients.Producer(server.KafkaBootstrap))
        {
            for (int i = 0; i < 20; i++)
            {
                producer.Produce(topic, new Message<string?, string> { Key = "k", Value = i.ToString() });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        using (var first = Clients.Consumer(server.KafkaBootstrap, group, c => c.EnableAutoCommit = false))
        {
            first.Subscribe(topic);
            var consumed = Clients.ConsumeExactly(first, 12);
            first.Commit(consumed[^1]);
            first.Close();
        }

        using var second = Clients.Consumer(server.KafkaBootstrap, group, c => c.EnableAutoCommit = false);
        second.Subscribe(topic);
        var rest = Clients.ConsumeExactly(second, 8);
        Assert.Equal(Enumerable.Range(12, 8).Select(i => i.ToString()), rest.Select(r => r.Message.Value));
        var committed = second.Committed([new TopicPartition(topic, 0)], TimeSpan.FromSeconds(10)).Single();
        Assert.Equal(12, committed.Offset.Value);
    }

    [Fact]
    public async Task Static_members_keep_their_assignment_across_a_quick_restart()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("static");
        var group = TestBroker.UniqueName("g");
        await Clients.CreateTopicAsync(server.KafkaBootstrap, topic, 2);

        using var a = Clients.Consumer(server.KafkaBootstrap, group, c => c.GroupInstanceId = "instance-a");
        var b = Clients.Consumer(server.KafkaBootstrap, group, c => c.GroupInstanceId = "instance-b");
        a.Subscribe(topic);
        b.Subscribe(topic);
        PollUntil([a, b], () => a.Assignment.Count == 1 && b.Assignment.Count == 1, "both static members assigned");
        var bPartition = b.Assignment.Single();

        // A static member that goes away without leaving the group keeps its partitions until its session times out.
        b.Dispose();
        var b2 = Clients.Consumer(server.KafkaBootstrap, group, c => c.GroupInstanceId = "instance-b");
        try
        {
            b2.Subscribe(topic);
            PollUntil([a, b2], () => b2.Assignment.Count == 1, "the restarted static member to be assigned");
            Assert.Equal(bPartition, b2.Assignment.Single());
            Assert.Single(a.Assignment);
        }
        finally
        {
            b2.Close();
            b2.Dispose();
            a.Close();
        }
    }
}
