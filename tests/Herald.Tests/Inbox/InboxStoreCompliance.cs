using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Herald.Inbox;
using Xunit.Abstractions;

namespace Herald.Tests.Inbox;

/// <summary>What every <see cref="IInboxStore"/> must do, against a real database; one subclass per store.</summary>
public abstract class InboxStoreCompliance : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly List<IInboxStore> _stores = [];

    protected InboxStoreCompliance(ITestOutputHelper output)
    {
        Output = output;
    }

    protected ITestOutputHelper Output { get; }

    protected ManualClock Clock { get; } = new(Start);

    protected InboxOptions Options => InboxOptions.Default with { TimeProvider = Clock };

    /// <summary>A new store instance over this test's database (the same one every call).</summary>
    protected abstract IInboxStore NewStoreOver(InboxOptions options);

    /// <summary>Prepares this test's empty database.</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Deletes this test's database after its stores are disposed.</summary>
    protected abstract Task DropDatabaseAsync();

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        var store = NewStore();
        await store.EnsureCreatedAsync();
        await using var transaction = await store.BeginAsync("setup");
        await ExecuteAsync(transaction, "CREATE TABLE welcome_emails (user_id text NOT NULL, delivery text NOT NULL)");
        await transaction.CommitAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            if (store is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }

        await DropDatabaseAsync();
    }

    [Fact]
    public async Task EnsureCreated_is_idempotent()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync();
        await store.EnsureCreatedAsync();
        await NewStore().EnsureCreatedAsync();

        var eventId = Guid.NewGuid();
        await MarkAndCommitAsync(store, "billing", eventId);
        Assert.True(await IsProcessedAsync(NewStore(), "billing", eventId));
    }

    [Fact]
    public async Task An_event_marked_in_a_committed_transaction_is_processed_for_later_transactions()
    {
        var store = NewStore();
        var eventId = Guid.NewGuid();
        await using (var transaction = await store.BeginAsync("billing"))
        {
            Assert.False(await transaction.IsProcessedAsync(eventId));
            await transaction.MarkProcessedAsync(eventId);
            Assert.True(await transaction.IsProcessedAsync(eventId));
            await transaction.CommitAsync();
        }

        Assert.True(await IsProcessedAsync(store, "billing", eventId));
        Assert.True(await IsProcessedAsync(NewStore(), "billing", eventId));
        Assert.False(await IsProcessedAsync(store, "billing", Guid.NewGuid()));
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_leaves_neither_the_inbox_row_nor_the_handler_writes()
    {
        var store = NewStore();
        var eventId = Guid.NewGuid();
        await using (var transaction = await store.BeginAsync("welcome"))
        {
            await InsertWelcomeEmailAsync(transaction, "user-1", "first");
            await transaction.MarkProcessedAsync(eventId);
        }

        Assert.False(await IsProcessedAsync(store, "welcome", eventId));
        Assert.Empty(await WelcomeEmailsAsync(store));

        await using (var transaction = await store.BeginAsync("welcome"))
        {
            await InsertWelcomeEmailAsync(transaction, "user-1", "second");
            await transaction.MarkProcessedAsync(eventId);
            await transaction.CommitAsync();
        }

        Assert.True(await IsProcessedAsync(store, "welcome", eventId));
        Assert.Equal(["user-1:second"], await WelcomeEmailsAsync(store));
    }

    [Fact]
    public async Task Of_two_deliveries_in_flight_the_second_to_mark_gets_a_conflict_and_loses_its_writes()
    {
        var store = NewStore();
        var eventId = Guid.NewGuid();
        await using var first = await store.BeginAsync("welcome");
        await InsertWelcomeEmailAsync(first, "user-1", "first");
        await first.MarkProcessedAsync(eventId);

        // The second delivery waits for the first: on its MarkProcessed (PostgreSQL's unique index) or on BEGIN
        // IMMEDIATE (SQLite's write lock). Either way it must end in a conflict once the first commits.
        var second = Task.Run(async () =>
        {
            await using var transaction = await store.BeginAsync("welcome");
            await InsertWelcomeEmailAsync(transaction, "user-1", "second");
            await transaction.MarkProcessedAsync(eventId);
            await transaction.CommitAsync();
        });
        await first.CommitAsync();

        var conflict = await Assert.ThrowsAsync<InboxConflictException>(() => second);
        Assert.NotNull(conflict.InnerException);
        Assert.Equal(["user-1:first"], await WelcomeEmailsAsync(store));
        Assert.True(await IsProcessedAsync(store, "welcome", eventId));
    }

    [Fact]
    public async Task Racing_deliveries_of_one_event_commit_exactly_once()
    {
        var store = NewStore();
        for (var round = 0; round < 10; round++)
        {
            var eventId = Guid.NewGuid();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var deliveries = new[] { "a", "b" }.Select(delivery => Task.Run(async () =>
            {
                await go.Task;
                await using var transaction = await store.BeginAsync("race");
                if (await transaction.IsProcessedAsync(eventId))
                {
                    return "skipped";
                }

                await InsertWelcomeEmailAsync(transaction, $"user-{round}", delivery);
                try
                {
                    await transaction.MarkProcessedAsync(eventId);
                    await transaction.CommitAsync();
                    return "committed";
                }
                catch (InboxConflictException)
                {
                    return "conflict";
                }
            })).ToArray();
            go.SetResult();
            var outcomes = await Task.WhenAll(deliveries);

            // "skipped" is the redelivery that began after the winner committed (the usual case on SQLite).
            Assert.Single(outcomes, outcome => outcome == "committed");
            Assert.Single(outcomes, outcome => outcome is "conflict" or "skipped");
            Assert.Single(await WelcomeEmailsAsync(store), row => row.StartsWith($"user-{round}:", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Consumer_groups_are_independent()
    {
        var store = NewStore();
        var eventId = Guid.NewGuid();
        await MarkAndCommitAsync(store, "billing", eventId);
        Assert.False(await IsProcessedAsync(store, "shipping", eventId));

        await MarkAndCommitAsync(store, "shipping", eventId);
        Assert.True(await IsProcessedAsync(store, "billing", eventId));
        Assert.True(await IsProcessedAsync(store, "shipping", eventId));

        Assert.Equal([1], await store.RecordAttemptsAsync("billing", [Guid.Empty]));
        Assert.Equal([1], await store.RecordAttemptsAsync("shipping", [Guid.Empty]));
    }

    [Fact]
    public async Task Attempts_count_up_durably_across_store_instances_and_come_back_in_order()
    {
        var eventId = Guid.NewGuid();
        for (var expected = 1; expected <= 3; expected++)
        {
            Assert.Equal([expected], await NewStore().RecordAttemptsAsync("billing", [eventId]));
        }

        var (other, another) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.Equal([1, 4, 1], await NewStore().RecordAttemptsAsync("billing", [other, eventId, another]));
        Assert.Equal([2, 5, 2, 6], await NewStore().RecordAttemptsAsync("billing", [other, eventId, another, eventId]));
        Assert.Equal([1], await NewStore().RecordAttemptsAsync("shipping", [eventId]));
        Assert.Empty(await NewStore().RecordAttemptsAsync("billing", []));
    }

    [Fact]
    public async Task Marking_processed_forgets_the_attempts_but_a_rollback_keeps_them()
    {
        var store = NewStore();
        var eventId = Guid.NewGuid();
        Assert.Equal([1], await store.RecordAttemptsAsync("billing", [eventId]));
        await using (var transaction = await store.BeginAsync("billing"))
        {
            await transaction.MarkProcessedAsync(eventId);
        }

        Assert.Equal([2], await store.RecordAttemptsAsync("billing", [eventId]));
        await MarkAndCommitAsync(store, "billing", eventId);
        Assert.Equal([1], await store.RecordAttemptsAsync("billing", [eventId]));
    }

    [Fact]
    public async Task Purge_removes_only_rows_older_than_the_cutoff()
    {
        var store = NewStore();
        var (oldProcessed, oldAttempted, newProcessed, newAttempted) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await MarkAndCommitAsync(store, "billing", oldProcessed);
        await store.RecordAttemptsAsync("billing", [oldAttempted]);
        Clock.Advance(TimeSpan.FromHours(2));
        await MarkAndCommitAsync(store, "billing", newProcessed);
        await store.RecordAttemptsAsync("billing", [newAttempted]);

        Assert.Equal(2, await store.PurgeAsync(Start.AddHours(1)));

        Assert.False(await IsProcessedAsync(store, "billing", oldProcessed));
        Assert.True(await IsProcessedAsync(store, "billing", newProcessed));
        Assert.Equal([1, 2], await store.RecordAttemptsAsync("billing", [oldAttempted, newAttempted]));
        Assert.Equal(0, await store.PurgeAsync(Start.AddHours(1)));
    }

    [Fact]
    public async Task A_batch_of_100_events_commits_in_one_transaction()
    {
        var store = NewStore();
        var eventIds = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToArray();
        Assert.All(await store.RecordAttemptsAsync("batch", eventIds), count => Assert.Equal(1, count));
        await using (var transaction = await store.BeginAsync("batch"))
        {
            foreach (var eventId in eventIds)
            {
                Assert.False(await transaction.IsProcessedAsync(eventId));
                await InsertWelcomeEmailAsync(transaction, eventId.ToString(), "batch");
                await transaction.MarkProcessedAsync(eventId);
            }

            await transaction.CommitAsync();
        }

        await using (var transaction = await NewStore().BeginAsync("batch"))
        {
            foreach (var eventId in eventIds)
            {
                Assert.True(await transaction.IsProcessedAsync(eventId));
            }
        }

        Assert.Equal(100, (await WelcomeEmailsAsync(store)).Count);
        Assert.All(await store.RecordAttemptsAsync("batch", eventIds), count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Batches_find_and_mark_many_events_in_one_call_and_conflict_as_a_whole()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync();
        var earlier = Enumerable.Range(0, 30).Select(_ => Guid.NewGuid()).ToArray();
        await using (var first = await store.BeginAsync("bulk"))
        {
            Assert.Empty(await first.FindProcessedAsync(earlier));
            await first.MarkProcessedAsync(earlier);
            await first.CommitAsync();
        }

        var later = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
        await using (var second = await store.BeginAsync("bulk"))
        {
            var found = await second.FindProcessedAsync([.. earlier.Take(5), .. later]);
            Assert.Equal(earlier.Take(5).ToHashSet(), found.ToHashSet());

            // One id already committed makes the whole batch a conflict, and nothing of it stays.
            await Assert.ThrowsAsync<InboxConflictException>(() => second.MarkProcessedAsync([.. later, earlier[0]]));
        }

        await using var check = await store.BeginAsync("bulk");
        Assert.Empty(await check.FindProcessedAsync(later));
        Assert.Empty(await check.FindProcessedAsync([]));
    }

    [Fact]
    public async Task Fifty_batches_of_100_events_are_each_recorded_once()
    {
        // Throughput is measured by the consumer benchmark (benchmarks/, docs/benchmarks.md), not asserted here.
        const int Batches = 50;
        const int BatchSize = 100;
        var store = NewStore();
        var all = new List<Guid>();
        for (var batch = 0; batch < Batches; batch++)
        {
            all.AddRange(await HandleBatchAsync(store, "many"));
        }

        await using (var check = await store.BeginAsync("many"))
        {
            foreach (var eventId in all)
            {
                Assert.True(await check.IsProcessedAsync(eventId));
            }
        }

        Assert.Equal(Batches * BatchSize, all.Distinct().Count());

        async Task<Guid[]> HandleBatchAsync(IInboxStore inbox, string group)
        {
            var eventIds = Enumerable.Range(0, BatchSize).Select(_ => Guid.NewGuid()).ToArray();
            await inbox.RecordAttemptsAsync(group, eventIds);
            await using var transaction = await inbox.BeginAsync(group);
            foreach (var eventId in eventIds)
            {
                if (!await transaction.IsProcessedAsync(eventId))
                {
                    await InsertWelcomeEmailAsync(transaction, eventId.ToString(), group);
                    await transaction.MarkProcessedAsync(eventId);
                }
            }

            await transaction.CommitAsync();
            return eventIds;
        }
    }

    protected IInboxStore NewStore()
    {
        var store = NewStoreOver(Options);
        _stores.Add(store);
        return store;
    }

    protected static async Task ExecuteAsync(IInboxTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = CreateCommand(transaction, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    private static DbCommand CreateCommand(IInboxTransaction transaction, string sql, (string Name, object Value)[] parameters)
    {
        var command = transaction.Connection.CreateCommand();
        command.Transaction = transaction.Transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static Task InsertWelcomeEmailAsync(IInboxTransaction transaction, string userId, string delivery) =>
        ExecuteAsync(transaction, "INSERT INTO welcome_emails (user_id, delivery) VALUES (@user_id, @delivery)", ("user_id", userId), ("delivery", delivery));

    private static async Task<List<string>> WelcomeEmailsAsync(IInboxStore store)
    {
        await using var transaction = await store.BeginAsync("readers");
        await using var command = CreateCommand(transaction, "SELECT user_id, delivery FROM welcome_emails ORDER BY user_id, delivery", []);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add($"{reader.GetString(0)}:{reader.GetString(1)}");
        }

        return rows;
    }

    private static async Task MarkAndCommitAsync(IInboxStore store, string group, Guid eventId)
    {
        await using var transaction = await store.BeginAsync(group);
        await transaction.MarkProcessedAsync(eventId);
        await transaction.CommitAsync();
    }

    private static async Task<bool> IsProcessedAsync(IInboxStore store, string group, Guid eventId)
    {
        await using var transaction = await store.BeginAsync(group);
        return await transaction.IsProcessedAsync(eventId);
    }
}
