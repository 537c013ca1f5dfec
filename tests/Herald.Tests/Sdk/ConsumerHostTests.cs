using System.Text;
using Confluent.Kafka;
using Herald.Consuming;
using Herald.Contracts;
using Herald.DeadLetters;
using Herald.Inbox;
using Herald.Testing;

namespace Herald.Tests.Sdk;

public sealed class ConsumerHostTests
{
    private static readonly RetryPolicy FastRetries = new() { ImmediateRetries = 1, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(20) };

    private static List<ConsumeResult<string?, byte[]>> ReadAll(string bootstrap, string topic, int expected)
    {
        using var consumer = new ConsumerBuilder<string?, byte[]>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = Guid.NewGuid().ToString("N") }).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var results = new List<ConsumeResult<string?, byte[]>>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    private static string Header(ConsumeResult<string?, byte[]> record, string name) => Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes(name));

    [Fact]
    public async Task A_redelivered_event_has_its_effect_exactly_once()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("user-events");
        var database = SdkHost.NewDatabase();
        await SendWelcomeEmail.EnsureTableAsync(database);
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<SendWelcomeEmail>(topic, TestBroker.UniqueName("welcome")), database);

        var published = await host.Publisher.PublishAsync(new UserCreated("dup-user", "dup@example.com"));
        await SdkHost.WaitUntilAsync(() => host.Metrics.Handled >= 1, "the first delivery");

        // Deliver the very same record (same event_id) again, as a producer retry or a redrive would.
        var original = ReadAll(server.KafkaBootstrap, topic, 1).Single();
        using (var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = original.Message.Key, Value = original.Message.Value, Headers = original.Message.Headers });
        }

        await SdkHost.WaitUntilAsync(() => host.Metrics.DuplicatesSkipped >= 1, "the duplicate to be skipped");
        Assert.Equal(1, host.Scalar("SELECT COUNT(*) FROM welcome_emails WHERE user_id = 'dup-user'"));
        Assert.Equal(published.EventId.ToString(), Header(original, EnvelopeHeaders.EventId));
    }

    [Fact]
    public async Task A_redelivered_event_has_its_effect_exactly_once_with_the_postgresql_inbox()
    {
        var server = await TestBroker.Shared;
        var cluster = await PostgresCluster.Shared;
        var database = await cluster.CreateDatabaseAsync("sdk");
        await using (var connection = new Npgsql.NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand("CREATE TABLE welcome_emails (user_id text NOT NULL, sequence int NOT NULL, handled_by text NOT NULL)", connection);
            await create.ExecuteNonQueryAsync();
        }

        var topic = TestBroker.UniqueName("user-events-pg");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<SendWelcomeEmail>(topic, TestBroker.UniqueName("welcome")), database);
        await host.Publisher.PublishAsync(new UserCreated("pg-user", "pg@example.com"));
        await SdkHost.WaitUntilAsync(() => host.Metrics.Handled >= 1, "the first delivery");

        var original = ReadAll(server.KafkaBootstrap, topic, 1).Single();
        using (var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = original.Message.Key, Value = original.Message.Value, Headers = original.Message.Headers });
        }

        await SdkHost.WaitUntilAsync(() => host.Metrics.DuplicatesSkipped >= 1, "the duplicate to be skipped");
        await using var check = new Npgsql.NpgsqlConnection(database);
        await check.OpenAsync();
        await using var count = new Npgsql.NpgsqlCommand("SELECT COUNT(*) FROM welcome_emails WHERE user_id = 'pg-user'", check);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_failing_handler_runs_exactly_the_configured_attempts_then_dead_letters_with_the_documented_headers()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("fails");
        var group = TestBroker.UniqueName("g");
        var user = TestBroker.UniqueName("user");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FailingHandler>(topic, group, c => c.Retry(FastRetries)));

        var published = await host.Publisher.PublishAsync(new UserCreated(user, "grace@example.com"));
        await SdkHost.WaitUntilAsync(() => host.Metrics.DeadLettered >= 1, "the dead letter");

        Assert.Equal(FastRetries.MaxAttempts, FailingHandler.Calls(user));
        var dead = ReadAll(server.KafkaBootstrap, DeadLetterHeaders.TopicFor(topic), 1).Single();
        Assert.Equal(DeadLetterReasons.HandlerFailed, Header(dead, DeadLetterHeaders.Reason));
        Assert.Equal(typeof(InvalidOperationException).FullName, Header(dead, DeadLetterHeaders.ExceptionType));
        Assert.Equal("mail server rejected ***", Header(dead, DeadLetterHeaders.ExceptionMessage));
        Assert.Equal(topic, Header(dead, DeadLetterHeaders.OriginalTopic));
        Assert.Equal(published.Partition.ToString(), Header(dead, DeadLetterHeaders.OriginalPartition));
        Assert.Equal(published.Offset.ToString(), Header(dead, DeadLetterHeaders.OriginalOffset));
        Assert.True(long.Parse(Header(dead, DeadLetterHeaders.OriginalTimestamp)) > 0);
        Assert.Equal(group, Header(dead, DeadLetterHeaders.ConsumerGroup));
        Assert.Equal(FastRetries.MaxAttempts.ToString(), Header(dead, DeadLetterHeaders.Attempts));
        Assert.True(DateTimeOffset.TryParse(Header(dead, DeadLetterHeaders.FailedAt), out _));
        Assert.Equal(published.EventId.ToString(), Header(dead, EnvelopeHeaders.EventId));

        // PII never leaves the SDK: not in the dead letter's headers, not in any log line.
        Assert.DoesNotContain(dead.Message.Headers, h => h.Key.StartsWith("herald.dlq", StringComparison.Ordinal) && Encoding.UTF8.GetString(h.GetValueBytes()).Contains("grace@example.com", StringComparison.Ordinal));
        Assert.NotEmpty(host.Logs.Lines);
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("grace@example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_corrupted_payload_goes_to_the_dead_letter_topic_without_retries()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("corrupt");
        var user = TestBroker.UniqueName("user");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FailingHandler>(topic, TestBroker.UniqueName("g"), c => c.Retry(FastRetries)));

        using (var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            var headers = new Headers
            {
                { EnvelopeHeaders.EventId, Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString()) },
                { EnvelopeHeaders.EventType, "UserCreated"u8.ToArray() },
                { EnvelopeHeaders.EventVersion, "1"u8.ToArray() },
            };
            await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = user, Value = "{\"userId\": 12, oops"u8.ToArray(), Headers = headers });
        }

        await SdkHost.WaitUntilAsync(() => host.Metrics.DeadLettered >= 1, "the dead letter");
        Assert.Equal(0, FailingHandler.Calls(user));
        var dead = ReadAll(server.KafkaBootstrap, DeadLetterHeaders.TopicFor(topic), 1).Single();
        Assert.Equal(DeadLetterReasons.DeserializationFailed, Header(dead, DeadLetterHeaders.Reason));
        Assert.Equal("0", Header(dead, DeadLetterHeaders.Attempts));
        Assert.Equal("{\"userId\": 12, oops", Encoding.UTF8.GetString(dead.Message.Value));
    }

    [Fact]
    public async Task Records_without_an_envelope_or_with_an_unknown_event_type_are_dead_lettered_not_dropped()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("strangers");
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FailingHandler>(topic, TestBroker.UniqueName("g"), c => c.Retry(FastRetries)));

        using (var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string?, byte[]> { Key = "k", Value = "{}"u8.ToArray() });
            await producer.ProduceAsync(topic, new Message<string?, byte[]>
            {
                Key = "k",
                Value = "{}"u8.ToArray(),
                Headers = new Headers
                {
                    { EnvelopeHeaders.EventId, Encoding.UTF8.GetBytes(Guid.CreateVersion7().ToString()) },
                    { EnvelopeHeaders.EventType, "InvoiceVoided"u8.ToArray() },
                },
            });
        }

        await SdkHost.WaitUntilAsync(() => host.Metrics.DeadLettered >= 2, "both dead letters");
        var dead = ReadAll(server.KafkaBootstrap, DeadLetterHeaders.TopicFor(topic), 2);
        Assert.All(dead, d => Assert.Equal(DeadLetterReasons.UnknownEvent, Header(d, DeadLetterHeaders.Reason)));
        Assert.Contains("event_type", Header(dead[0], DeadLetterHeaders.ExceptionMessage), StringComparison.Ordinal);
        Assert.Contains("InvoiceVoided", Header(dead[1], DeadLetterHeaders.ExceptionMessage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attempts_counted_before_a_crash_bound_the_retries_across_restarts()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("crashloop");
        var group = TestBroker.UniqueName("g");
        var user = TestBroker.UniqueName("user");
        var database = SdkHost.NewDatabase();
        await using var host = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<FailingHandler>(topic, group, c => c.Retry(FastRetries)), database, start: false);
        var published = await host.Publisher.PublishAsync(new UserCreated(user, "crash@example.com"));

        // A handler that crashed the process on every earlier run left only its attempt counts behind.
        var inbox = new SqliteInboxStore(database);
        await inbox.EnsureCreatedAsync();
        for (int i = 0; i < FastRetries.MaxAttempts; i++)
        {
            await inbox.RecordAttemptsAsync(group, [published.EventId]);
        }

        await host.StartAsync();
        await SdkHost.WaitUntilAsync(() => host.Metrics.DeadLettered >= 1, "the dead letter");
        Assert.Equal(0, FailingHandler.Calls(user));
        var dead = ReadAll(server.KafkaBootstrap, DeadLetterHeaders.TopicFor(topic), 1).Single();
        Assert.Equal(DeadLetterReasons.AttemptsExhausted, Header(dead, DeadLetterHeaders.Reason));
        Assert.Equal(FastRetries.MaxAttempts.ToString(), Header(dead, DeadLetterHeaders.Attempts));
    }

    [Fact]
    public async Task Keyed_events_are_handled_in_publish_order_across_a_rebalance()
    {
        var server = await TestBroker.Shared;
        var topic = TestBroker.UniqueName("ordered");
        var group = TestBroker.UniqueName("g");
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = server.KafkaBootstrap }).Build())
        {
            await admin.CreateTopicsAsync([new Confluent.Kafka.Admin.TopicSpecification { Name = topic, NumPartitions = 4, ReplicationFactor = 1 }]);
        }

        var database = SdkHost.NewDatabase();
        await SendWelcomeEmail.EnsureTableAsync(database);

        await using var first = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
            h => h.AddConsumer<SendWelcomeEmail>(topic, group, c => c.BatchSize(10)), database);
        SdkHost? second = null;
        const int perUser = 30;
        var users = Enumerable.Range(0, 8).Select(i => $"{topic}-u{i}").ToList();
        var secondJoinedAt = DateTime.MaxValue;
        var rounds = 0;
        long Handled() => first.Scalar("SELECT COUNT(DISTINCT user_id || ':' || sequence) FROM welcome_emails");
        try
        {
            // One round per sequence number, a few rounds in flight so partitions move with events unhandled. Half-way a
            // second member joins, and rounds go on until it has handled events: only then did partitions really move.
            const int inFlightRounds = 4;
            while (rounds < perUser || second!.Metrics.Handled == 0)
            {
                if (rounds == perUser / 2)
                {
                    second = await SdkHost.StartAsync(server.KafkaBootstrap, o => o.Topic<UserCreated>(topic),
                        h => h.AddConsumer<SendWelcomeEmail>(topic, group, c => c.BatchSize(10)), database);
                    secondJoinedAt = DateTime.UtcNow;
                }

                if (DateTime.UtcNow - secondJoinedAt > TimeSpan.FromSeconds(30))
                {
                    Assert.Fail($"the second member handled nothing in {rounds - perUser / 2} rounds after joining: no partition moved, so nothing crossed a rebalance");
                }

                foreach (var user in users)
                {
                    await first.Publisher.PublishAsync(new UserCreated(user, "x@example.com", rounds));
                }

                rounds++;
                await SdkHost.WaitUntilAsync(() => Handled() >= users.Count * (rounds - inFlightRounds), $"round {rounds - inFlightRounds}");
            }

            await SdkHost.WaitUntilAsync(() => Handled() == users.Count * rounds, "every event");
            Assert.True(first.Metrics.Handled > 0 && second!.Metrics.Handled > 0, $"first handled {first.Metrics.Handled}, second {second?.Metrics.Handled}");
        }
        finally
        {
            if (second is not null)
            {
                await second.DisposeAsync();
            }
        }

        Assert.Equal(users.Count * rounds, first.Scalar("SELECT COUNT(*) FROM welcome_emails"));
        foreach (var user in users)
        {
            // Rows were inserted in handling order; per user the sequence must never go backwards.
            Assert.Equal(0, first.Scalar($"SELECT COUNT(*) FROM welcome_emails a JOIN welcome_emails b ON a.user_id = b.user_id AND a.row_id < b.row_id AND a.sequence > b.sequence WHERE a.user_id = '{user}'"));
        }
    }
}
