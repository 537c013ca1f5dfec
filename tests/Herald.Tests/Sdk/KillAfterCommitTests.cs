using System.Diagnostics;
using Confluent.Kafka;
using Herald.Contracts;
using Herald.Testing;
using Microsoft.Data.Sqlite;

namespace Herald.Tests.Sdk;

/// <summary>A consumer process killed between its inbox commit and its offset commit: after a restart every effect exists once.</summary>
public sealed class KillAfterCommitTests
{
    [EventContract("UserSignedUp")]
    private sealed record UserSignedUp([property: PartitionKey] string UserId);

    private static (Process Process, Task<string> Errors) Start(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Herald.Tests.CrashConsumer.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return (process, process.StandardError.ReadToEndAsync());
    }

    private static long Count(string database)
    {
        using var connection = new SqliteConnection(database);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM welcomes";
        try
        {
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task A_consumer_killed_after_its_inbox_commit_but_before_the_offset_commit_has_each_effect_once()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("signups");
        var group = TestBroker.UniqueName("welcome");
        var database = SdkHost.NewDatabase();
        await using (var publisherHost = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserSignedUp>(topic)))
        {
            for (int i = 0; i < 40; i++)
            {
                await publisherHost.Publisher.PublishAsync(new UserSignedUp($"user-{i}"));
            }
        }

        var (doomed, doomedErrors) = Start(server.KafkaBootstrap, database, topic, group, "1");
        using (doomed)
        {
            Assert.True(doomed.WaitForExit(60_000), "the consumer should have killed itself after its first handled event");
            Assert.True(doomed.ExitCode == 137, $"expected death by SIGKILL (137), got {doomed.ExitCode}: {await doomedErrors}");
        }

        long afterCrash = Count(database);
        Assert.True(afterCrash > 0, "the first batch's effects were committed before the kill");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            var committed = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [new TopicPartition(topic, 0)])]);
            Assert.True(committed.Single().Partitions.Single().Offset.Value < afterCrash, "no offset covering the handled events was committed before the kill");
        }

        var (restarted, _) = Start(server.KafkaBootstrap, database, topic, group, "0");
        using var restartedProcess = restarted;
        try
        {
            // Once the group's committed offset reaches the end of the log, every event was handled (offsets are
            // committed after handling), redeliveries of the events handled before the kill included.
            using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = server.KafkaBootstrap }).Build())
            {
                async Task<long> CommittedAsync() =>
                    (await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, [new TopicPartition(topic, 0)])])).Single().Partitions.Single().Offset.Value;
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (await CommittedAsync() < 40)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"the restarted consumer did not commit past offset 40 (committed {await CommittedAsync()}, {Count(database)} welcomes)");
                    await Task.Delay(25);
                }
            }

            Assert.Equal(40, Count(database));
            using var connection = new SqliteConnection(database);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(DISTINCT user_id) FROM welcomes";
            Assert.Equal(40L, (long)command.ExecuteScalar()!);
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
        }
    }
}
