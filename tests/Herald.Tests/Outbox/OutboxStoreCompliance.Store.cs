using Herald.Outbox;

namespace Herald.Tests.Outbox;

public abstract partial class OutboxStoreCompliance
{
    private static readonly OutboxLease Alice = new("default", "alice");
    private static readonly OutboxLease Bob = new("default", "bob");

    [Fact]
    public async Task EnsureCreated_is_idempotent()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync();
        await NewStore().EnsureCreatedAsync();
        await InsertAsync(store, Message("t"));
        Assert.Single(await ReadVisibleAsync(NewStore(), 1));
    }

    [Fact]
    public async Task A_row_commits_or_rolls_back_with_the_application_transaction()
    {
        var store = NewStore();
        var rolledBack = Message("t", "order-1");
        var committed = Message("t", "order-2");
        await using (var connection = await OpenAsync())
        {
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await store.InsertAsync(rolledBack, transaction);
                await transaction.RollbackAsync();
            }

            await using (var transaction = await connection.BeginTransactionAsync())
            {
                await store.InsertAsync(committed, transaction);
                Assert.Empty(await store.ReadAsync(OutboxPosition.Start, 10));
                await transaction.CommitAsync();
            }
        }

        var row = Assert.Single(await ReadVisibleAsync(store, 1));
        Assert.Equal(committed.EventId, row.Message.EventId);
        Assert.Equal("t", row.Message.Topic);
        Assert.Equal("order-2", row.Message.Key);
        Assert.Equal("OrderPlaced", row.Message.EventType);
        Assert.Equal(committed.Payload.ToArray(), row.Message.Payload.ToArray());
        Assert.Equal(committed.Headers.OrderBy(h => h.Key), row.Message.Headers.OrderBy(h => h.Key));
        Assert.Equal(0, row.Attempts);
        Assert.Equal(Start, row.CreatedAt);
    }

    [Fact]
    public async Task Rows_are_read_in_commit_order_after_a_position_and_in_batches()
    {
        var store = NewStore();
        var messages = Enumerable.Range(0, 7).Select(i => Message("t", $"order-{i % 2}", i)).ToArray();
        await InsertAsync(store, messages[..3]);
        await InsertAsync(store, messages[3..]);

        var first = await ReadVisibleAsync(store, 4, maxRows: 4);
        var rest = await ReadVisibleAsync(store, 3, first[^1].Position, maxRows: 4);
        Assert.Equal(messages.Select(m => m.EventId), first.Concat(rest).Select(r => r.Message.EventId));
        Assert.True(first.Concat(rest).Select(r => r.Position).SequenceEqual(first.Concat(rest).Select(r => r.Position).Order()));
        Assert.Empty(await store.ReadAsync(rest[^1].Position, 4));
    }

    [Fact]
    public async Task One_owner_holds_a_lease_until_it_expires_or_is_released()
    {
        var store = NewStore();
        Assert.True(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));
        Assert.True(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));
        Assert.False(await store.TryAcquireLeaseAsync(Bob, TimeSpan.FromSeconds(30)));
        Assert.True(await store.TryAcquireLeaseAsync(Alice with { Relay = "other" }, TimeSpan.FromSeconds(30)));

        Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.True(await store.TryAcquireLeaseAsync(Bob, TimeSpan.FromSeconds(30)));
        Assert.False(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));

        await store.ReleaseLeaseAsync(Alice);
        Assert.False(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));
        await store.ReleaseLeaseAsync(Bob);
        Assert.True(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Completing_moves_the_cursor_and_deletes_the_rows_only_for_the_lease_holder()
    {
        var store = NewStore();
        await InsertAsync(store, Message("t", sequence: 1), Message("t", sequence: 2), Message("t", sequence: 3));
        var rows = await ReadVisibleAsync(store, 3);
        Assert.True(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));

        Assert.False(await store.CompleteAsync(Bob, rows[1].Position));
        Assert.Equal(OutboxPosition.Start, await store.ReadCursorAsync("default"));
        Assert.Equal(3, (await store.ReadAsync(OutboxPosition.Start, 10)).Count);

        Assert.True(await store.CompleteAsync(Alice, rows[1].Position));
        Assert.Equal(rows[1].Position, await NewStore().ReadCursorAsync("default"));
        var left = await store.ReadAsync(OutboxPosition.Start, 10);
        Assert.Equal(rows[2].Message.EventId, Assert.Single(left).Message.EventId);

        var status = await store.GetStatusAsync();
        Assert.Equal(1, status.BacklogRows);
        var relay = Assert.Single(status.Relays);
        Assert.Equal(("default", "alice", rows[1].Position), (relay.Relay, relay.Owner, relay.Cursor));
        Assert.Equal(Start + TimeSpan.FromSeconds(30), relay.LeaseExpiresAt);
    }

    [Fact]
    public async Task Failures_count_up_and_a_dead_lettered_row_leaves_the_backlog_for_the_dead_table()
    {
        var store = NewStore();
        await InsertAsync(store, Message("t", sequence: 1), Message("t", sequence: 2));
        var rows = await ReadVisibleAsync(store, 2);
        Assert.True(await store.TryAcquireLeaseAsync(Alice, TimeSpan.FromSeconds(30)));

        Assert.Null(await store.RecordFailureAsync(Bob, rows[0].Position, "nope"));
        Assert.Equal(1, await store.RecordFailureAsync(Alice, rows[0].Position, "MsgSizeTooLarge: too big"));
        Assert.Equal(2, await store.RecordFailureAsync(Alice, rows[0].Position, "MsgSizeTooLarge: too big"));
        Assert.Equal(2, (await store.ReadAsync(OutboxPosition.Start, 1))[0].Attempts);

        Assert.False(await store.DeadLetterAsync(Bob, rows[0].Position, "nope"));
        Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await store.DeadLetterAsync(Alice, rows[0].Position, "MsgSizeTooLarge: too big"));
        Assert.False(await store.DeadLetterAsync(Alice, rows[0].Position, "again"));

        var left = await store.ReadAsync(OutboxPosition.Start, 10);
        Assert.Equal(rows[1].Message.EventId, Assert.Single(left).Message.EventId);
        var status = await store.GetStatusAsync();
        Assert.Equal((1L, 1L), (status.BacklogRows, status.DeadRows));
        var dead = Assert.Single(status.RecentDead);
        Assert.Equal(rows[0].Message.EventId, dead.EventId);
        Assert.Equal(("t", "order-1", "OrderPlaced", 2), (dead.Topic, dead.Key, dead.EventType, dead.Attempts));
        Assert.Equal("MsgSizeTooLarge: too big", dead.LastError);
        Assert.Equal((Start, Start + TimeSpan.FromSeconds(5)), (dead.CreatedAt, dead.DeadAt));
    }

    [Fact]
    public async Task Status_of_an_empty_outbox_has_no_backlog_and_the_oldest_row_once_there_is_one()
    {
        var store = NewStore();
        var empty = await store.GetStatusAsync();
        Assert.Equal((0L, (DateTimeOffset?)null, 0L), (empty.BacklogRows, empty.OldestCreatedAt, empty.DeadRows));
        Assert.Empty(empty.Relays);

        await InsertAsync(store, Message("t"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        await InsertAsync(store, Message("t"), Message("t"));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var status = await store.GetStatusAsync();
        Assert.Equal((3L, (DateTimeOffset?)Start), (status.BacklogRows, status.OldestCreatedAt));
        Assert.Equal(TimeSpan.FromMinutes(2), status.OldestAgeAt(Clock.GetUtcNow()));
    }
}
